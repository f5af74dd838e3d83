import { getTranslation, type MessageDescriptor } from '../../utils/getTranslation';

/** Sample visitors for the live test panel; `label` goes through `formatMessage`. */
export const SIGNAL_PRESETS: { id: string; label: MessageDescriptor; signals: Record<string, unknown> }[] = [
  {
    id: 'mobile-quick-exit',
    label: { id: getTranslation('presets.mobileQuickExit'), defaultMessage: 'Mobile, quick exit' },
    signals: { context: { device: 'mobile' }, behavior: { dwellSec: 4, scrollDepth: 10, quickExits: 1 } },
  },
  {
    id: 'returning-campaign',
    label: { id: getTranslation('presets.returningCampaign'), defaultMessage: 'Returning desktop from a campaign' },
    signals: {
      context: { device: 'desktop', utm: { source: 'newsletter', medium: 'email', campaign: 'spring-sale' } },
      session: { isNew: false, pageviews: 3 },
      behavior: { dwellSec: 45 },
    },
  },
  {
    id: 'compared-plans',
    label: { id: getTranslation('presets.comparedPlans'), defaultMessage: 'Compared the plans' },
    signals: { context: { device: 'desktop' }, behavior: { recentlyViewed: ['pricing', 'features'], dwellSec: 30 } },
  },
  {
    id: 'weekend-tablet',
    label: { id: getTranslation('presets.weekendTablet'), defaultMessage: 'New visitor on a tablet, weekend morning' },
    signals: { context: { device: 'tablet' }, time: { hour: 10, weekday: 6, isWeekend: true }, session: { isNew: true } },
  },
  {
    id: 'engaged-reader',
    label: { id: getTranslation('presets.engagedReader'), defaultMessage: 'Engaged reader' },
    signals: { context: { device: 'desktop' }, behavior: { dwellSec: 240, scrollDepth: 95, clicks: 6 } },
  },
  { id: 'nothing', label: { id: getTranslation('presets.nothing'), defaultMessage: 'Nothing known' }, signals: {} },
];
