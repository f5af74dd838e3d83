import { capSchema, MAX_CAPS_PER_VARIANT, type VariantCap } from '../../../contracts/src/variants/schema';
import { getTranslation, type FormatMessage, type MessageDescriptor } from '../utils/getTranslation';

/**
 * Frequency caps in words (docs/design.md, "Frequency caps"): a variant's `caps` read as sentences,
 * "at most 2 serves per day", for the caps editor, the variant cards and the live test.
 */

export type CapEvent = VariantCap['on'];
export type CapWindow = VariantCap['per'];

/** The values the contract allows, in the order the editor offers them. */
export const CAP_EVENTS: readonly CapEvent[] = capSchema.shape.on.options;
export const CAP_WINDOWS: readonly CapWindow[] = capSchema.shape.per.options;
export const CAP_MAX = { min: 1, max: 100 } as const;
export { MAX_CAPS_PER_VARIANT };

/** What a new row starts as: a cap an editor often wants ("at most 3 views per day"). */
export const NEW_CAP: VariantCap = { on: 'view', max: 3, per: 'day' };

/** A new row: the default, or when a views cap has its window already, the first window still free. */
export const nextCap = (caps: readonly VariantCap[]): VariantCap => {
  const taken = (per: CapWindow) => caps.some((cap) => cap.on === NEW_CAP.on && cap.per === per);
  if (!taken(NEW_CAP.per)) return { ...NEW_CAP };
  const free = CAP_WINDOWS.find((per) => !taken(per));
  return free ? { ...NEW_CAP, per: free } : { ...NEW_CAP };
};

/** The events a cap counts, plural by `count` ("1 view", "2 views"); `#` is the count. */
const EVENT_COUNTS: Record<CapEvent, MessageDescriptor> = {
  view: { id: getTranslation('caps.count.view'), defaultMessage: '{count, plural, one {# view} other {# views}}' },
  serve: { id: getTranslation('caps.count.serve'), defaultMessage: '{count, plural, one {# serve} other {# serves}}' },
  click: { id: getTranslation('caps.count.click'), defaultMessage: '{count, plural, one {# click} other {# clicks}}' },
  dismiss: { id: getTranslation('caps.count.dismiss'), defaultMessage: '{count, plural, one {# dismissal} other {# dismissals}}' },
};

/** The events' names alone, plural by `count`, for the editor's select ("views" after "at most 3"). */
const EVENT_NAMES: Record<CapEvent, MessageDescriptor> = {
  view: { id: getTranslation('caps.event.view'), defaultMessage: '{count, plural, one {view} other {views}}' },
  serve: { id: getTranslation('caps.event.serve'), defaultMessage: '{count, plural, one {serve} other {serves}}' },
  click: { id: getTranslation('caps.event.click'), defaultMessage: '{count, plural, one {click} other {clicks}}' },
  dismiss: { id: getTranslation('caps.event.dismiss'), defaultMessage: '{count, plural, one {dismissal} other {dismissals}}' },
};

/** What each event is, for the editor's hint. */
const EVENT_HINTS: Record<CapEvent, MessageDescriptor> = {
  view: { id: getTranslation('caps.event.view.hint'), defaultMessage: 'qualified views reported by the SDK' },
  serve: { id: getTranslation('caps.event.serve.hint'), defaultMessage: 'times delivery served this variant to the visitor' },
  click: { id: getTranslation('caps.event.click.hint'), defaultMessage: 'clicks reported by the SDK' },
  dismiss: { id: getTranslation('caps.event.dismiss.hint'), defaultMessage: 'dismissals reported by the SDK' },
};

const WINDOWS: Record<CapWindow, MessageDescriptor> = {
  session: { id: getTranslation('caps.per.session'), defaultMessage: 'per session' },
  hour: { id: getTranslation('caps.per.hour'), defaultMessage: 'per hour' },
  day: { id: getTranslation('caps.per.day'), defaultMessage: 'per day' },
  week: { id: getTranslation('caps.per.week'), defaultMessage: 'per week' },
  lifetime: { id: getTranslation('caps.per.lifetime'), defaultMessage: 'ever' },
};

const SENTENCE: MessageDescriptor = { id: getTranslation('caps.sentence'), defaultMessage: 'at most {events} {window}' };
const SEPARATOR: MessageDescriptor = { id: getTranslation('caps.separator'), defaultMessage: '{left}; {right}' };

/** `count` events of a kind, in words: "1 view", "3 serves". */
export const capEventCount = (on: CapEvent, count: number, formatMessage: FormatMessage): string =>
  formatMessage(EVENT_COUNTS[on], { count });

/** An event kind's name, plural as `count` asks: "view" / "views". */
export const capEventName = (on: CapEvent, count: number, formatMessage: FormatMessage): string =>
  formatMessage(EVENT_NAMES[on], { count });

export const capEventHint = (on: CapEvent, formatMessage: FormatMessage): string => formatMessage(EVENT_HINTS[on]);

/** A window in words: "per day", "ever". */
export const capWindowLabel = (per: CapWindow, formatMessage: FormatMessage): string => formatMessage(WINDOWS[per]);

/** One cap as a sentence: "at most 2 serves per day", "at most 1 view ever". */
export const capSentence = (cap: VariantCap, formatMessage: FormatMessage): string =>
  formatMessage(SENTENCE, { events: capEventCount(cap.on, cap.max, formatMessage), window: capWindowLabel(cap.per, formatMessage) });

/** A variant's caps in one line ("at most 2 serves per day; at most 1 view ever"), or "" without caps. */
export const capsSummary = (caps: readonly VariantCap[] | undefined, formatMessage: FormatMessage): string =>
  (caps ?? []).map((cap) => capSentence(cap, formatMessage)).reduce<string>(
    (left, right) => (left ? formatMessage(SEPARATOR, { left, right }) : right),
    ''
  );

/** Why a cap's `max` cannot be saved, in words, or null when it can (a whole number from 1 to 100). */
export const capMaxProblem = (max: unknown, formatMessage: FormatMessage): string | null => {
  if (typeof max === 'number' && Number.isInteger(max) && max >= CAP_MAX.min && max <= CAP_MAX.max) return null;
  return formatMessage(
    { id: getTranslation('caps.max.invalid'), defaultMessage: 'Enter a whole number from {min} to {max}' },
    { min: CAP_MAX.min, max: CAP_MAX.max }
  );
};

/** The caps as the variant keeps them: none is no `caps` key at all (not an empty list). */
export const withCaps = <T extends { caps?: VariantCap[] }>(variant: T, caps: VariantCap[]): T => {
  if (caps.length > 0) return { ...variant, caps };
  const { caps: _dropped, ...rest } = variant;
  void _dropped;
  return rest as T;
};
