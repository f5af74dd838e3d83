/** Sample visitors for the live test panel. */
export const SIGNAL_PRESETS: { id: string; label: string; signals: Record<string, unknown> }[] = [
  {
    id: 'mobile-quick-exit',
    label: 'Mobile, quick exit',
    signals: { context: { device: 'mobile' }, behavior: { dwellSec: 4, scrollDepth: 10, quickExits: 1 } },
  },
  {
    id: 'returning-campaign',
    label: 'Returning desktop from a campaign',
    signals: {
      context: { device: 'desktop', utm: { source: 'newsletter', medium: 'email', campaign: 'spring-sale' } },
      session: { isNew: false, pageviews: 3 },
      behavior: { dwellSec: 45 },
    },
  },
  {
    id: 'compared-plans',
    label: 'Compared the plans',
    signals: { context: { device: 'desktop' }, behavior: { recentlyViewed: ['pricing', 'features'], dwellSec: 30 } },
  },
  {
    id: 'weekend-tablet',
    label: 'New visitor on a tablet, weekend morning',
    signals: { context: { device: 'tablet' }, time: { hour: 10, weekday: 6, isWeekend: true }, session: { isNew: true } },
  },
  {
    id: 'engaged-reader',
    label: 'Engaged reader',
    signals: { context: { device: 'desktop' }, behavior: { dwellSec: 240, scrollDepth: 95, clicks: 6 } },
  },
  { id: 'nothing', label: 'Nothing known', signals: {} },
];
