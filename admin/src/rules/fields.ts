import type { SignalDescriptor, SignalVocabulary } from '../utils/api';
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

export const buildEntries = (vocabulary: SignalVocabulary | null): FieldEntry[] => {
  const signals: FieldEntry[] = (vocabulary?.signals ?? []).map((signal) => ({
    name: signal.path,
    label: signalLabel(signal.path),
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
    { name: AUDIENCE_FIELD, label: 'audience', group: 'audience', kind: 'audience', keyed: false },
    { name: EXPERIMENT_FIELD, label: 'experiment arm', group: 'experiments', kind: 'experiment', keyed: false },
    { name: JSON_FIELD, label: 'JSON-logic', group: 'advanced', kind: 'json', keyed: false },
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

/** Operators in words, for the builder's menus and the one-line summaries. */
export const OPERATOR_LABELS: Record<BuilderOperator, string> = {
  '=': 'is',
  '!=': 'is not',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  between: 'between',
  in: 'is one of',
  notIn: 'is none of',
  contains: 'contains',
  doesNotContain: 'does not contain',
  beginsWith: 'starts with',
  endsWith: 'ends with',
  isSet: 'is set',
  isNotSet: 'is not set',
  json: 'is true',
};

const PSEUDO_LABELS: Partial<Record<EntryKind, Partial<Record<BuilderOperator, string>>>> = {
  audience: { '=': 'is in', '!=': 'is not in' },
  experiment: { '=': 'is in arm', '!=': 'is not in arm' },
};

export const operatorsFor = (entry: FieldEntry | undefined): { name: BuilderOperator; label: string }[] =>
  OPERATORS[entry?.kind ?? 'mixed'].map((name) => ({
    name,
    label: PSEUDO_LABELS[entry?.kind ?? 'mixed']?.[name] ?? OPERATOR_LABELS[name],
  }));

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
