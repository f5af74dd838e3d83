/**
 * Contextual bandits' cells (docs/experiments.md, "Contextual bandits"): a visitor's signals reduced to one value
 * per attribute, so that the counts per (cell, arm) stay finite and every split of the tree is a test the engine
 * evaluates the same way on the visitor's raw signals.
 *
 * - a number is replaced by the lower end of its bucket: the largest cut ≤ x, or `cuts[0] − 1` below the first
 *   cut. For every cut c, `bucket(x) < c ⟺ x < c`, which is what keeps a `<` split and the engine in step;
 * - a boolean stays itself; a string of at most 64 characters stays itself (the fitter keeps each attribute's 20
 *   most frequent values and reads the rest as `"other"`);
 * - a missing signal (null or undefined) is `null`, its own value: never a match of `<`, and `==` null only for it;
 * - anything else (arrays, objects, long strings, NaN) is `"other"`: attributes are meant to be scalar signals.
 */
import { compile, type CompiledRule } from '../compile';

/** A cell's value of one attribute. */
export type ContextValue = string | number | boolean | null;

export interface ContextualAttribute {
  /** A signal path of the vocabulary, as `{"var": path}` reads it (`context.device`, `profile.visits`). */
  readonly path: string;
  /** Where numbers are cut (default DEFAULT_CONTEXTUAL_CUTS). */
  readonly cuts?: readonly number[];
}

/** How the fitter read an attribute's values (kept in the model, so counting can cap values the same way). */
export interface FittedAttribute {
  readonly path: string;
  /** `number`: every value seen is a number (splits `<` at the cuts); otherwise `boolean` or `category` (`==`). */
  readonly kind: 'number' | 'boolean' | 'category';
  readonly cuts: number[];
  /** For categories: the values kept (at most 20, most units first); any other value counts as `"other"`. */
  readonly values?: string[];
}

export const DEFAULT_CONTEXTUAL_CUTS: readonly number[] = Object.freeze([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
/** Categories keep this many of their most frequent values; the rest is OTHER. */
export const MAX_CATEGORY_VALUES = 20;
/** The value of every category value not kept, and of values that are not scalars. */
export const OTHER = 'other';
/** Strings longer than this are OTHER (a cell holds no long free text). */
export const MAX_CATEGORY_LENGTH = 64;

const sortedCuts = new WeakMap<readonly number[], number[]>();

/** The cuts of an attribute: finite, sorted, without repeats (worked out once per cuts array: this is per request). */
export const cutsOf = (attribute: ContextualAttribute): number[] => {
  const given = attribute.cuts ?? DEFAULT_CONTEXTUAL_CUTS;
  let cuts = sortedCuts.get(given);
  if (!cuts) {
    cuts = [...new Set(given.filter((cut) => Number.isFinite(cut)))].sort((a, b) => a - b);
    sortedCuts.set(given, cuts);
  }
  return cuts;
};

/** The lower end of x's bucket: the largest cut ≤ x, or `cuts[0] − 1` below every cut (x itself without cuts). */
export const bucketNumber = (x: number, cuts: readonly number[]): number => {
  if (cuts.length === 0) return x;
  if (x < cuts[0]) return cuts[0] - 1;
  let low = 0;
  let high = cuts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (cuts[middle] <= x) low = middle;
    else high = middle - 1;
  }
  return cuts[low];
};

/**
 * A string a `==` split may test: one that no number, boolean or null equals under JavaScript's loose `==`
 * (json-logic's), so that `{"==": [signal, value]}` holds exactly for the signal `value` (`"1" == true`,
 * `"" == 0` and `"5" == 5` would otherwise match visitors whose cell is not `value`).
 */
export const isSplittableString = (value: string): boolean => value !== OTHER && Number.isNaN(Number(value));

/** One attribute's raw signal value as its cell value (see the module comment). */
export const cellValue = (raw: unknown, cuts: readonly number[]): ContextValue => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isNaN(raw) ? OTHER : bucketNumber(raw, cuts);
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') return raw.length <= MAX_CATEGORY_LENGTH ? raw : OTHER;
  return OTHER;
};

const readers = new Map<string, CompiledRule>();

/** Reads a signal exactly as the engine's `{"var": path}` does in a leaf's condition (compiled once per path). */
const readSignal = (signals: unknown, path: string): unknown => {
  let reader = readers.get(path);
  if (!reader) {
    if (readers.size >= 1024) readers.clear();
    reader = compile({ var: path });
    readers.set(path, reader);
  }
  return reader.evaluate(signals);
};

/**
 * The cell of a visitor: one value per attribute path, what the server counts units and rewards under. With
 * the model in force, category values it did not keep count as `"other"`, so the cells stay at most 21 values
 * per category.
 */
export const contextualCell = (
  signals: unknown,
  attributes: readonly ContextualAttribute[],
  model?: { readonly attributes?: readonly FittedAttribute[] }
): Record<string, ContextValue> => {
  const cell: Record<string, ContextValue> = {};
  for (const attribute of attributes) {
    const fitted = model?.attributes?.find((entry) => entry.path === attribute.path);
    let value = cellValue(readSignal(signals, attribute.path), cutsOf(attribute));
    if (typeof value === 'string' && fitted?.values && !fitted.values.includes(value)) value = OTHER;
    cell[attribute.path] = value;
  }
  return cell;
};

/**
 * A cell as the counters' field holds it: its values in attribute order, as JSON, URI-encoded (so without `|`,
 * the counters' separator, whatever a category value holds).
 */
export const contextualCellKey = (cell: Readonly<Record<string, ContextValue>>, attributes: readonly ContextualAttribute[]): string =>
  encodeURIComponent(JSON.stringify(attributes.map((attribute) => cell[attribute.path] ?? null)));

/** The cell of a counters' key (contextualCellKey), or null when it does not parse or has another number of values. */
export const parseContextualCellKey = (
  key: string,
  attributes: readonly ContextualAttribute[]
): Record<string, ContextValue> | null => {
  let values: unknown;
  try {
    values = JSON.parse(decodeURIComponent(key));
  } catch {
    return null;
  }
  if (!Array.isArray(values) || values.length !== attributes.length) return null;
  const cell: Record<string, ContextValue> = {};
  for (const [index, attribute] of attributes.entries()) {
    const value: unknown = values[index];
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
    cell[attribute.path] = value;
  }
  return cell;
};

/** A cell as signals (`{ context: { device: "mobile" } }`), for routing it through a model's leaves. */
export const cellSignals = (cell: Readonly<Record<string, ContextValue>>): Record<string, unknown> => {
  const signals: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(cell)) {
    const parts = path.split('.');
    let node = signals;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      node = (typeof child === 'object' && child !== null ? child : (node[part] = {})) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return signals;
};
