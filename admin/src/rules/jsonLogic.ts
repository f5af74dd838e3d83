import {
  AUDIENCE_FIELD,
  EXPERIMENT_FIELD,
  JSON_FIELD,
  isGroup,
  type BuilderOperator,
  type JsonLogic,
  type RuleGroupType,
  type RuleType,
} from './types';

/**
 * Conversion between the visual builder's tree (react-querybuilder's RuleGroupType) and JSON-logic.
 *
 * - `toJsonLogic(fromJsonLogic(x))` is `x` for every rule the builder writes, and a rule with the
 *   same meaning otherwise (e.g. `{"and": [X]}` at the root becomes `X`).
 * - `fromJsonLogic(toJsonLogic(tree))` is `tree` (ids aside): the visual tab round-trips.
 * - Anything the builder has no control for stays a `$json` rule holding the JSON verbatim.
 */

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{op: operands}` with exactly one key, as json-logic-js reads operations. */
const operation = (value: unknown): { op: string; args: unknown[]; raw: unknown } | null => {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const raw = value[keys[0]];
  return { op: keys[0], args: Array.isArray(raw) ? raw : [raw], raw };
};

const isPrimitive = (value: unknown): value is string | number | boolean | null =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** The path of `{"var": "a.b"}` (string form only; defaults and scoped vars stay raw JSON). */
const varPath = (value: unknown): string | null => {
  const op = operation(value);
  return op && op.op === 'var' && typeof op.raw === 'string' && op.raw !== '' ? op.raw : null;
};

const v = (path: string) => ({ var: path });

const COMPARISONS: Record<string, BuilderOperator> = {
  '==': '=',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

let counter = 0;
const newId = () => `r${Date.now().toString(36)}${(counter++).toString(36)}`;

const rule = (field: string, operator: BuilderOperator, value: unknown): RuleType => ({ id: newId(), field, operator, value });
const raw = (json: JsonLogic): RuleType => rule(JSON_FIELD, 'json', json);
const group = (combinator: 'and' | 'or', rules: (RuleType | RuleGroupType)[], not = false): RuleGroupType => ({
  id: newId(),
  combinator,
  ...(not ? { not: true } : {}),
  rules,
});

/** A positive rule the builder reads, or null. */
const parsePositive = (json: unknown): RuleType | null => {
  const op = operation(json);
  if (!op) return null;
  const { args } = op;
  if (op.op === 'audience' && typeof op.raw === 'string') return rule(AUDIENCE_FIELD, '=', op.raw);
  if (op.op === 'experiment' && args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string') {
    return rule(EXPERIMENT_FIELD, '=', [args[0], args[1]]);
  }
  if (op.op === '!!' && args.length === 1 && varPath(args[0])) return rule(varPath(args[0])!, 'isSet', null);
  if (op.op in COMPARISONS && Array.isArray(op.raw) && args.length === 2 && varPath(args[0]) && isPrimitive(args[1])) {
    return rule(varPath(args[0])!, COMPARISONS[op.op], args[1]);
  }
  if (
    op.op === '<=' &&
    Array.isArray(op.raw) &&
    args.length === 3 &&
    varPath(args[1]) &&
    typeof args[0] === 'number' &&
    typeof args[2] === 'number'
  ) {
    return rule(varPath(args[1])!, 'between', [args[0], args[2]]);
  }
  if (op.op === 'in' && Array.isArray(op.raw) && args.length === 2) {
    if (varPath(args[0]) && Array.isArray(args[1]) && args[1].every(isPrimitive)) return rule(varPath(args[0])!, 'in', args[1]);
    if (isPrimitive(args[0]) && varPath(args[1])) return rule(varPath(args[1])!, 'contains', args[0]);
  }
  if ((op.op === 'starts_with' || op.op === 'ends_with') && Array.isArray(op.raw) && args.length === 2) {
    if (varPath(args[0]) && typeof args[1] === 'string') {
      return rule(varPath(args[0])!, op.op === 'starts_with' ? 'beginsWith' : 'endsWith', args[1]);
    }
  }
  return null;
};

const NEGATIONS: Partial<Record<BuilderOperator, BuilderOperator>> = { in: 'notIn', contains: 'doesNotContain', '=': '!=' };

/** `{"!": X}` the builder reads as one negative rule, or null. */
const parseNegative = (operand: unknown): RuleType | null => {
  const path = varPath(operand);
  if (path) return rule(path, 'isNotSet', null);
  const positive = parsePositive(operand);
  if (!positive) return null;
  if (positive.field === AUDIENCE_FIELD || positive.field === EXPERIMENT_FIELD) return { ...positive, operator: '!=' };
  const negated = positive.operator === 'in' || positive.operator === 'contains' ? NEGATIONS[positive.operator as BuilderOperator] : undefined;
  return negated ? { ...positive, operator: negated } : null;
};

const notOperand = (json: unknown): unknown | undefined => {
  const op = operation(json);
  if (!op || op.op !== '!') return undefined;
  if (Array.isArray(op.raw)) return op.raw.length === 1 ? op.raw[0] : undefined;
  return op.raw;
};

const connective = (json: unknown): { combinator: 'and' | 'or'; items: unknown[] } | null => {
  const op = operation(json);
  if (op && (op.op === 'and' || op.op === 'or') && Array.isArray(op.raw)) return { combinator: op.op, items: op.raw };
  return null;
};

const parseItem = (json: unknown): RuleType | RuleGroupType => {
  const conn = connective(json);
  if (conn) return group(conn.combinator, conn.items.map(parseItem));
  const operand = notOperand(json);
  if (operand !== undefined) {
    const negative = parseNegative(operand);
    if (negative) return negative;
    const inner = connective(operand);
    if (inner) return group(inner.combinator, inner.items.map(parseItem), true);
    return group('and', [parseItem(operand)], true);
  }
  return parsePositive(json) ?? raw(json);
};

/** JSON-logic → the builder's tree. The root is always a group; no condition is an empty group. */
export const fromJsonLogic = (json: JsonLogic): RuleGroupType => {
  if (json === null || json === undefined) return group('and', []);
  const item = parseItem(json);
  if (!isGroup(item)) return group('and', [item]);
  // An empty root group means "no condition" (always); an explicit `{"and": []}` never matches.
  if (item.rules.length === 0) return group('and', [raw(json)]);
  return item;
};

const formatRule = (item: RuleType): JsonLogic => {
  const { field, value } = item;
  const operator = item.operator as BuilderOperator;
  if (field === JSON_FIELD) return value;
  if (field === AUDIENCE_FIELD) return operator === '!=' ? { '!': { audience: value } } : { audience: value };
  if (field === EXPERIMENT_FIELD) {
    const [key, arm] = Array.isArray(value) ? value : ['', ''];
    const json = { experiment: [key ?? '', arm ?? ''] };
    return operator === '!=' ? { '!': json } : json;
  }
  switch (operator) {
    case '=':
      return { '==': [v(field), value] };
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { [operator]: [v(field), value] };
    case 'between': {
      const [low, high] = Array.isArray(value) ? value : [value, value];
      return { '<=': [low, v(field), high] };
    }
    case 'in':
      return { in: [v(field), Array.isArray(value) ? value : []] };
    case 'notIn':
      return { '!': { in: [v(field), Array.isArray(value) ? value : []] } };
    case 'contains':
      return { in: [value, v(field)] };
    case 'doesNotContain':
      return { '!': { in: [value, v(field)] } };
    case 'beginsWith':
      return { starts_with: [v(field), value] };
    case 'endsWith':
      return { ends_with: [v(field), value] };
    case 'isSet':
      return { '!!': v(field) };
    case 'isNotSet':
      return { '!': v(field) };
    default:
      return { [operator]: [v(field), value] };
  }
};

const formatItem = (item: RuleType | RuleGroupType): JsonLogic => {
  if (!isGroup(item)) return formatRule(item);
  const combinator = item.combinator === 'or' ? 'or' : 'and';
  const children = item.rules.filter((child): child is RuleType | RuleGroupType => typeof child !== 'string');
  const inner = { [combinator]: children.map(formatItem) };
  if (!item.not) return inner;
  // `{"!": X}` for one plain rule, unless the builder would read `{"!": X}` back as a negative rule.
  if (children.length === 1 && combinator === 'and' && !isGroup(children[0])) {
    const single = formatItem(children[0]);
    if (parseNegative(single) === null && connective(single) === null) return { '!': single };
  }
  return { '!': inner };
};

/** The builder's tree → JSON-logic; an empty root means "no condition" (always matches): null. */
export const toJsonLogic = (tree: RuleGroupType): JsonLogic => {
  const children = tree.rules.filter((child): child is RuleType | RuleGroupType => typeof child !== 'string');
  if (children.length === 0 && !tree.not) return null;
  if (children.length === 1 && !tree.not && tree.combinator !== 'or' && !isGroup(children[0])) return formatItem(children[0]);
  return formatItem(tree);
};

/** Drops react-querybuilder's ids (and other UI-only keys) for comparisons. */
export const stripIds = (item: RuleType | RuleGroupType): unknown => {
  if (isGroup(item)) {
    return {
      combinator: item.combinator,
      ...(item.not ? { not: true } : {}),
      rules: item.rules.filter((child): child is RuleType | RuleGroupType => typeof child !== 'string').map(stripIds),
    };
  }
  return { field: item.field, operator: item.operator, value: item.value };
};
