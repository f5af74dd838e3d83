/** Size and work limits: a rule or a visitor's data can never make an evaluation unbounded. */
export interface Limits {
  /** Max nesting of arrays/objects in a rule (the rule itself is level 1). */
  depth: number;
  /** Max size of the rule as compact JSON, in UTF-8 bytes. */
  bytes: number;
  /** Max length of an array iterated by map/filter/reduce/all/none/some/missing or built by merge. */
  arrayLength: number;
  /** Max length of a string built by `cat`. */
  stringLength: number;
  /**
   * The work budget of one evaluation ("fuel", see fuel.ts): iterations and audience evaluations cost the
   * weight of the rule they run, strings and arrays that operators read, convert or produce cost their
   * size. An evaluation that runs out fails with a `limit_exceeded` RuleError.
   */
  fuel: number;
}

/** `iterations`, the budget's former name, is still accepted and means `fuel`. */
export type LimitOverrides = Partial<Limits> & { iterations?: number };

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  depth: 32,
  bytes: 16384,
  arrayLength: 10_000,
  stringLength: 65_536,
  fuel: 100_000,
});

const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];

/** Defaults overlaid with the given values; a bad value is a programming error, so it throws a RangeError. */
export function resolveLimits(overrides?: LimitOverrides): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  if (overrides === undefined) return limits;
  const given: Partial<Limits> =
    overrides.iterations !== undefined && overrides.fuel === undefined ? { ...overrides, fuel: overrides.iterations } : overrides;
  for (const name of LIMIT_NAMES) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0) || (value !== Infinity && !Number.isInteger(value))) {
      throw new RangeError(`limits.${name} must be a non-negative integer (or Infinity), got ${String(value)}`);
    }
    limits[name] = value;
  }
  return limits;
}
