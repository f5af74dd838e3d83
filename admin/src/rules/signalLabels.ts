/** Short names of signals for summaries and the field picker ("dwell time", not "behavior.dwellSec"). */
const LABELS: Record<string, string> = {
  'context.device': 'device',
  'context.os': 'operating system',
  'context.browser': 'browser',
  'context.country': 'country',
  'context.locale': 'locale',
  'context.language': 'language',
  'context.timezone': 'time zone',
  'context.referrer': 'referrer',
  'context.path': 'page path',
  'context.url': 'page URL',
  'context.utm.source': 'UTM source',
  'context.utm.medium': 'UTM medium',
  'context.utm.campaign': 'UTM campaign',
  'context.utm.term': 'UTM term',
  'context.utm.content': 'UTM content',
  'time.hour': 'hour',
  'time.weekday': 'weekday',
  'time.isWeekend': 'weekend',
  'time.timestamp': 'timestamp',
  'behavior.dwellSec': 'dwell time',
  'behavior.scrollDepth': 'scroll depth',
  'behavior.clicks': 'clicks',
  'behavior.hovers': 'hovers',
  'behavior.quickExits': 'quick exits',
  'behavior.recentlyViewed': 'recently viewed',
  'session.pageviews': 'pageviews',
  'session.durationSec': 'session length',
  'session.isNew': 'new session',
  'profile.visits': 'visits',
  'profile.interests': 'interest',
  'profile.segments': 'segments',
  experiments: 'experiment',
  custom: 'custom',
};

const UNITS: Record<string, string> = {
  'behavior.dwellSec': ' s',
  'behavior.scrollDepth': ' %',
  'session.durationSec': ' s',
  'time.timestamp': ' ms',
};

const humanize = (segment: string) =>
  segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

/** Label of a signal path; keyed maps read as "interest in travel", "experiment hero arm", "custom plan". */
export const signalLabel = (path: string): string => {
  if (LABELS[path]) return LABELS[path];
  if (path.startsWith('profile.interests.')) return `interest in ${path.slice('profile.interests.'.length)}`;
  if (path.startsWith('experiments.')) return `experiment ${path.slice('experiments.'.length)} arm`;
  if (path.startsWith('custom.')) return humanize(path.slice('custom.'.length));
  return humanize(path.split('.').pop() ?? path);
};

/** Unit written after a signal's values (" s" for seconds, " %" for percentages), or "". */
export const signalUnit = (path: string): string => UNITS[path] ?? '';
