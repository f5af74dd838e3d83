import type { SignalDescriptor, SignalVocabulary } from '../api';
import { getTranslation, type FormatMessage, type MessageDescriptor } from '../utils/getTranslation';
import { signalLabel } from './signalLabels';
import { AUDIENCE_FIELD, EXPERIMENT_FIELD, JSON_FIELD, type BuilderOperator } from './types';

export type EntryKind = 'string' | 'enum' | 'number' | 'boolean' | 'array' | 'mixed' | 'audience' | 'experiment' | 'json';

/** One choice of the builder's field picker: a signal, or a pseudo-field (audience, experiment arm, raw JSON). */
export interface FieldEntry {
  /** The signal path (for keyed maps, the prefix: the rule's field is `prefix.key`). */
  name: string;
  label: string;
  group: string;
  kind: EntryKind;
  keyed: boolean;
  values?: string[];
  minimum?: number;
  maximum?: number;
  description?: string;
}

export const PSEUDO_GROUPS = ['audience', 'advanced'];

const kindOf = (signal: SignalDescriptor): EntryKind => {
  const type = signal.keyed ? signal.items : signal.type;
  if (signal.values?.length) return 'enum';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') return 'array';
  if (type === 'mixed') return 'mixed';
  return 'string';
};

/** The field picker's choices, labelled in the admin's language. */
export const buildEntries = (vocabulary: SignalVocabulary | null, formatMessage: FormatMessage): FieldEntry[] => {
  const signals: FieldEntry[] = (vocabulary?.signals ?? []).map((signal) => ({
    name: signal.path,
    label: signalLabel(signal.path, formatMessage),
    group: signal.group,
    kind: kindOf(signal),
    keyed: Boolean(signal.keyed),
    values: signal.values,
    minimum: signal.minimum,
    maximum: signal.maximum,
    description: signal.description,
  }));
  return [
    ...signals,
    {
      name: AUDIENCE_FIELD,
      label: formatMessage({ id: getTranslation('rules.field.audience'), defaultMessage: 'audience' }),
      group: 'audience',
      kind: 'audience',
      keyed: false,
    },
    {
      name: EXPERIMENT_FIELD,
      label: formatMessage({ id: getTranslation('rules.field.experimentArm'), defaultMessage: 'experiment arm' }),
      group: 'experiments',
      kind: 'experiment',
      keyed: false,
    },
    {
      name: JSON_FIELD,
      label: formatMessage({ id: getTranslation('rules.field.json'), defaultMessage: 'JSON-logic' }),
      group: 'advanced',
      kind: 'json',
      keyed: false,
    },
  ];
};

/** The groups of the field picker, in the vocabulary's order, then the pseudo-groups. */
export const buildGroups = (vocabulary: SignalVocabulary | null, entries: FieldEntry[]): string[] => {
  const order = [...(vocabulary?.groups ?? []), ...PSEUDO_GROUPS];
  return order.filter((group, index) => order.indexOf(group) === index && entries.some((entry) => entry.group === group));
};

/** The entry a rule's field belongs to: an exact path, or a keyed map's prefix (`custom.plan` → `custom`). */
export const entryFor = (entries: FieldEntry[], field: string): FieldEntry | undefined =>
  entries.find((entry) => entry.name === field) ??
  entries.find((entry) => entry.keyed && field.startsWith(`${entry.name}.`));

/** The key of a keyed field (`custom.plan` → `plan`). */
export const keyOf = (entry: FieldEntry, field: string): string => (entry.keyed ? field.slice(entry.name.length + 1) : '');

const OPERATORS: Record<EntryKind, BuilderOperator[]> = {
  enum: ['=', '!=', 'in', 'notIn', 'isSet', 'isNotSet'],
  string: ['=', '!=', 'in', 'notIn', 'contains', 'beginsWith', 'endsWith', 'isSet', 'isNotSet'],
  number: ['=', '!=', '<', '<=', '>', '>=', 'between', 'isSet', 'isNotSet'],
  boolean: ['=', '!='],
  array: ['contains', 'doesNotContain', 'isSet', 'isNotSet'],
  mixed: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'notIn', 'contains', 'isSet', 'isNotSet'],
  audience: ['=', '!='],
  experiment: ['=', '!='],
  json: ['json'],
};

/** Operators in words (symbols stay symbols), for the builder's menus and the one-line summaries. */
export const OPERATOR_LABELS: Record<BuilderOperator, MessageDescriptor | string> = {
  '=': { id: getTranslation('rules.operator.is'), defaultMessage: 'is' },
  '!=': { id: getTranslation('rules.operator.isNot'), defaultMessage: 'is not' },
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  between: { id: getTranslation('rules.operator.between'), defaultMessage: 'between' },
  in: { id: getTranslation('rules.operator.in'), defaultMessage: 'is one of' },
  notIn: { id: getTranslation('rules.operator.notIn'), defaultMessage: 'is none of' },
  contains: { id: getTranslation('rules.operator.contains'), defaultMessage: 'contains' },
  doesNotContain: { id: getTranslation('rules.operator.doesNotContain'), defaultMessage: 'does not contain' },
  beginsWith: { id: getTranslation('rules.operator.beginsWith'), defaultMessage: 'starts with' },
  endsWith: { id: getTranslation('rules.operator.endsWith'), defaultMessage: 'ends with' },
  isSet: { id: getTranslation('rules.operator.isSet'), defaultMessage: 'is set' },
  isNotSet: { id: getTranslation('rules.operator.isNotSet'), defaultMessage: 'is not set' },
  json: { id: getTranslation('rules.operator.json'), defaultMessage: 'is true' },
};

const PSEUDO_LABELS: Partial<Record<EntryKind, Partial<Record<BuilderOperator, MessageDescriptor>>>> = {
  audience: {
    '=': { id: getTranslation('rules.operator.inAudience'), defaultMessage: 'is in' },
    '!=': { id: getTranslation('rules.operator.notInAudience'), defaultMessage: 'is not in' },
  },
  experiment: {
    '=': { id: getTranslation('rules.operator.inArm'), defaultMessage: 'is in arm' },
    '!=': { id: getTranslation('rules.operator.notInArm'), defaultMessage: 'is not in arm' },
  },
};

/** An operator in words; unknown operators read as themselves. */
export const operatorLabel = (operator: string, formatMessage: FormatMessage, kind?: EntryKind): string => {
  const label = (kind && PSEUDO_LABELS[kind]?.[operator as BuilderOperator]) ?? OPERATOR_LABELS[operator as BuilderOperator];
  if (label === undefined) return operator;
  return typeof label === 'string' ? label : formatMessage(label);
};

export const operatorsFor = (entry: FieldEntry | undefined, formatMessage: FormatMessage): { name: BuilderOperator; label: string }[] =>
  OPERATORS[entry?.kind ?? 'mixed'].map((name) => ({ name, label: operatorLabel(name, formatMessage, entry?.kind ?? 'mixed') }));

/** A sensible starting value when a rule's field or operator changes. */
export const defaultValue = (entry: FieldEntry | undefined, operator: string, audienceKeys: string[]): unknown => {
  if (operator === 'isSet' || operator === 'isNotSet') return null;
  if (!entry) return '';
  switch (entry.kind) {
    case 'audience':
      return audienceKeys[0] ?? '';
    case 'experiment':
      return ['', ''];
    case 'json':
      return true;
    case 'boolean':
      return true;
    case 'enum':
      return operator === 'in' || operator === 'notIn' ? [] : (entry.values?.[0] ?? '');
    case 'number':
      if (operator === 'between') return [entry.minimum ?? 0, entry.maximum ?? 10];
      return entry.minimum ?? 0;
    default:
      return operator === 'in' || operator === 'notIn' ? [] : '';
  }
};
