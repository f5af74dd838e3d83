import { defaultFormatMessage, getTranslation, type FormatMessage } from '../utils/getTranslation';
import { operatorLabel } from './fields';
import { fromJsonLogic } from './jsonLogic';
import { signalLabel, signalUnit } from './signalLabels';
import { AUDIENCE_FIELD, EXPERIMENT_FIELD, JSON_FIELD, isGroup, type JsonLogic, type RuleGroupType, type RuleType } from './types';

const MAX_JSON = 60;

const MESSAGES = {
  always: { id: getTranslation('summary.always'), defaultMessage: 'always' },
  never: { id: getTranslation('summary.never'), defaultMessage: 'never' },
  and: { id: getTranslation('summary.and'), defaultMessage: '{left} and {right}' },
  or: { id: getTranslation('summary.or'), defaultMessage: '{left} or {right}' },
  not: { id: getTranslation('summary.not'), defaultMessage: 'not ({condition})' },
  inAudience: { id: getTranslation('summary.inAudience'), defaultMessage: 'in audience "{name}"' },
  notInAudience: { id: getTranslation('summary.notInAudience'), defaultMessage: 'not in audience "{name}"' },
  inArm: { id: getTranslation('summary.inArm'), defaultMessage: 'experiment {key} is arm {arm}' },
  notInArm: { id: getTranslation('summary.notInArm'), defaultMessage: 'experiment {key} is not arm {arm}' },
  between: { id: getTranslation('summary.between'), defaultMessage: '{signal} between {low} and {high}{unit}' },
  isSet: { id: getTranslation('summary.isSet'), defaultMessage: '{signal} is set' },
  isNotSet: { id: getTranslation('summary.isNotSet'), defaultMessage: '{signal} is not set' },
  rule: { id: getTranslation('summary.rule'), defaultMessage: '{signal} {operator} {value}{unit}' },
  true: { id: getTranslation('common.true'), defaultMessage: 'true' },
  false: { id: getTranslation('common.false'), defaultMessage: 'false' },
};

const valueText = (value: unknown, t: FormatMessage): string => {
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'boolean') return t(value ? MESSAGES.true : MESSAGES.false);
  if (Array.isArray(value)) return value.map((item) => valueText(item, t)).join(', ');
  return JSON.stringify(value);
};

const rawText = (json: unknown) => {
  const text = JSON.stringify(json);
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON - 1)}…` : text;
};

export interface SummaryOptions {
  /** Audience key → name, to say "audience Returning visitors" rather than the key. */
  audienceNames?: Record<string, string>;
  /** react-intl's `formatMessage`, for the admin's language; without it the summary is in English. */
  formatMessage?: FormatMessage;
}

const describeRule = (rule: RuleType, options: SummaryOptions, t: FormatMessage): string => {
  const { field, operator, value } = rule;
  if (field === JSON_FIELD) return rawText(value);
  if (field === AUDIENCE_FIELD) {
    const name = options.audienceNames?.[String(value)] ?? String(value);
    return t(operator === '!=' ? MESSAGES.notInAudience : MESSAGES.inAudience, { name });
  }
  if (field === EXPERIMENT_FIELD) {
    const [key, arm] = Array.isArray(value) ? value : ['?', '?'];
    return t(operator === '!=' ? MESSAGES.notInArm : MESSAGES.inArm, { key: String(key), arm: String(arm) });
  }
  const signal = signalLabel(field, t);
  const unit = signalUnit(field);
  switch (operator) {
    case 'between': {
      const [low, high] = Array.isArray(value) ? value : [value, value];
      return t(MESSAGES.between, { signal, low: valueText(low, t), high: valueText(high, t), unit });
    }
    case 'isSet':
      return t(MESSAGES.isSet, { signal });
    case 'isNotSet':
      return t(MESSAGES.isNotSet, { signal });
    default:
      return t(MESSAGES.rule, {
        signal,
        operator: operatorLabel(operator, t),
        value: valueText(value, t),
        unit: typeof value === 'number' ? unit : '',
      });
  }
};

const describeItem = (item: RuleType | RuleGroupType, options: SummaryOptions, t: FormatMessage, nested: boolean): string => {
  if (!isGroup(item)) return describeRule(item, options, t);
  const children = item.rules.filter((child): child is RuleType | RuleGroupType => typeof child !== 'string');
  if (children.length === 0) return t(item.not ? MESSAGES.never : MESSAGES.always);
  const connective = item.combinator === 'or' ? MESSAGES.or : MESSAGES.and;
  const joined = children
    .map((child) => describeItem(child, options, t, true))
    .reduce((left, right) => t(connective, { left, right }));
  if (item.not) return t(MESSAGES.not, { condition: joined });
  return nested && children.length > 1 ? `(${joined})` : joined;
};

/**
 * One line in words: `device is mobile and dwell time < 10 s`. No condition reads "always".
 * Pass `formatMessage` (from `useIntl()`) to have it in the admin's language.
 */
export const describeCondition = (condition: JsonLogic, options: SummaryOptions = {}): string =>
  describeItem(fromJsonLogic(condition), options, options.formatMessage ?? defaultFormatMessage, false);
