import { getTranslation, type FormatMessage, type MessageDescriptor } from '../utils/getTranslation';

/** Short names of signals for summaries and the field picker ("dwell time", not "behavior.dwellSec"). */
const LABELS: Record<string, MessageDescriptor> = {
  'context.device': { id: getTranslation('signals.context.device'), defaultMessage: 'device' },
  'context.os': { id: getTranslation('signals.context.os'), defaultMessage: 'operating system' },
  'context.browser': { id: getTranslation('signals.context.browser'), defaultMessage: 'browser' },
  'context.country': { id: getTranslation('signals.context.country'), defaultMessage: 'country' },
  'context.locale': { id: getTranslation('signals.context.locale'), defaultMessage: 'locale' },
  'context.language': { id: getTranslation('signals.context.language'), defaultMessage: 'language' },
  'context.timezone': { id: getTranslation('signals.context.timezone'), defaultMessage: 'time zone' },
  'context.referrer': { id: getTranslation('signals.context.referrer'), defaultMessage: 'referrer' },
  'context.path': { id: getTranslation('signals.context.path'), defaultMessage: 'page path' },
  'context.url': { id: getTranslation('signals.context.url'), defaultMessage: 'page URL' },
  'context.utm.source': { id: getTranslation('signals.context.utm.source'), defaultMessage: 'UTM source' },
  'context.utm.medium': { id: getTranslation('signals.context.utm.medium'), defaultMessage: 'UTM medium' },
  'context.utm.campaign': { id: getTranslation('signals.context.utm.campaign'), defaultMessage: 'UTM campaign' },
  'context.utm.term': { id: getTranslation('signals.context.utm.term'), defaultMessage: 'UTM term' },
  'context.utm.content': { id: getTranslation('signals.context.utm.content'), defaultMessage: 'UTM content' },
  'time.hour': { id: getTranslation('signals.time.hour'), defaultMessage: 'hour' },
  'time.weekday': { id: getTranslation('signals.time.weekday'), defaultMessage: 'weekday' },
  'time.isWeekend': { id: getTranslation('signals.time.isWeekend'), defaultMessage: 'weekend' },
  'time.timestamp': { id: getTranslation('signals.time.timestamp'), defaultMessage: 'timestamp' },
  'behavior.dwellSec': { id: getTranslation('signals.behavior.dwellSec'), defaultMessage: 'dwell time' },
  'behavior.scrollDepth': { id: getTranslation('signals.behavior.scrollDepth'), defaultMessage: 'scroll depth' },
  'behavior.clicks': { id: getTranslation('signals.behavior.clicks'), defaultMessage: 'clicks' },
  'behavior.hovers': { id: getTranslation('signals.behavior.hovers'), defaultMessage: 'hovers' },
  'behavior.quickExits': { id: getTranslation('signals.behavior.quickExits'), defaultMessage: 'quick exits' },
  'behavior.recentlyViewed': { id: getTranslation('signals.behavior.recentlyViewed'), defaultMessage: 'recently viewed' },
  'session.pageviews': { id: getTranslation('signals.session.pageviews'), defaultMessage: 'pageviews' },
  'session.durationSec': { id: getTranslation('signals.session.durationSec'), defaultMessage: 'session length' },
  'session.isNew': { id: getTranslation('signals.session.isNew'), defaultMessage: 'new session' },
  'context.network': { id: getTranslation('signals.context.network'), defaultMessage: 'connection speed' },
  'context.saveData': { id: getTranslation('signals.context.saveData'), defaultMessage: 'data saver' },
  'profile.visits': { id: getTranslation('signals.profile.visits'), defaultMessage: 'visits' },
  'profile.firstSeenDays': { id: getTranslation('signals.profile.firstSeenDays'), defaultMessage: 'days since first visit' },
  'profile.daysSinceLastVisit': { id: getTranslation('signals.profile.daysSinceLastVisit'), defaultMessage: 'days since last visit' },
  'profile.interests': { id: getTranslation('signals.profile.interests'), defaultMessage: 'interest' },
  'profile.topInterests': { id: getTranslation('signals.profile.topInterests'), defaultMessage: 'top interests' },
  'profile.quickExits': { id: getTranslation('signals.profile.quickExits'), defaultMessage: 'quick exits (profile)' },
  'profile.recentlyViewed': { id: getTranslation('signals.profile.recentlyViewed'), defaultMessage: 'recently viewed (profile)' },
  experiments: { id: getTranslation('signals.experiments'), defaultMessage: 'experiment' },
  custom: { id: getTranslation('signals.custom'), defaultMessage: 'custom' },
};

const INTEREST_IN: MessageDescriptor = { id: getTranslation('signals.interestIn'), defaultMessage: 'interest in {tag}' };
const EXPERIMENT_ARM: MessageDescriptor = { id: getTranslation('signals.experimentArm'), defaultMessage: 'experiment {key} arm' };

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

/**
 * Label of a signal path; keyed maps read as "interest in travel", "experiment hero arm", "plan".
 * Signals the admin has no words for (custom names, new vocabulary) read as their humanized key.
 */
export const signalLabel = (path: string, formatMessage: FormatMessage): string => {
  if (LABELS[path]) return formatMessage(LABELS[path]);
  if (path.startsWith('profile.interests.')) return formatMessage(INTEREST_IN, { tag: path.slice('profile.interests.'.length) });
  if (path.startsWith('experiments.')) return formatMessage(EXPERIMENT_ARM, { key: path.slice('experiments.'.length) });
  if (path.startsWith('custom.')) return humanize(path.slice('custom.'.length));
  return humanize(path.split('.').pop() ?? path);
};

/** Unit written after a signal's values (" s" for seconds, " %" for percentages), or "". */
export const signalUnit = (path: string): string => UNITS[path] ?? '';
