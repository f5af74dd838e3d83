import { OPERATOR_LABELS } from './fields';
import { fromJsonLogic } from './jsonLogic';
import { signalLabel, signalUnit } from './signalLabels';
import { AUDIENCE_FIELD, EXPERIMENT_FIELD, JSON_FIELD, isGroup, type JsonLogic, type RuleGroupType, type RuleType } from './types';

const MAX_JSON = 60;

const valueText = (value: unknown): string => {
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return JSON.stringify(value);
};

const rawText = (json: unknown) => {
  const text = JSON.stringify(json);
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON - 1)}…` : text;
};

export interface SummaryOptions {
  /** Audience key → name, to say "audience Returning visitors" rather than the key. */
  audienceNames?: Record<string, string>;
}

const describeRule = (rule: RuleType, options: SummaryOptions): string => {
  const { field, operator, value } = rule;
  if (field === JSON_FIELD) return rawText(value);
  if (field === AUDIENCE_FIELD) {
    const name = options.audienceNames?.[String(value)] ?? String(value);
    return `${operator === '!=' ? 'not in' : 'in'} audience "${name}"`;
  }
  if (field === EXPERIMENT_FIELD) {
    const [key, arm] = Array.isArray(value) ? value : ['?', '?'];
    return `experiment ${key} ${operator === '!=' ? 'is not' : 'is'} arm ${arm}`;
  }
  const label = signalLabel(field);
  const unit = signalUnit(field);
  switch (operator) {
    case 'between': {
      const [low, high] = Array.isArray(value) ? value : [value, value];
      return `${label} between ${valueText(low)} and ${valueText(high)}${unit}`;
    }
    case 'isSet':
      return `${label} is set`;
    case 'isNotSet':
      return `${label} is not set`;
    default:
      return `${label} ${(OPERATOR_LABELS as Record<string, string>)[operator] ?? operator} ${valueText(value)}${typeof value === 'number' ? unit : ''}`;
  }
};

const describeItem = (item: RuleType | RuleGroupType, options: SummaryOptions, nested: boolean): string => {
  if (!isGroup(item)) return describeRule(item, options);
  const children = item.rules.filter((child): child is RuleType | RuleGroupType => typeof child !== 'string');
  if (children.length === 0) return item.not ? 'never' : 'always';
  const joined = children.map((child) => describeItem(child, options, true)).join(item.combinator === 'or' ? ' or ' : ' and ');
  if (item.not) return `not (${joined})`;
  return nested && children.length > 1 ? `(${joined})` : joined;
};

/** One line in words: `device is mobile and dwell time < 10 s`. No condition reads "always". */
export const describeCondition = (condition: JsonLogic, options: SummaryOptions = {}): string =>
  describeItem(fromJsonLogic(condition), options, false);
