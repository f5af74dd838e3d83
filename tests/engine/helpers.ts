/** Shared test helpers: conformance suites (read from ../shared at test time) and exact equality. */
import * as fs from 'fs';
import * as path from 'path';

export interface ConformanceCase {
  suite: string;
  index: number;
  description: string;
  rule: unknown;
  data: unknown;
  expected: unknown;
}

const CONFORMANCE_DIR = path.resolve(__dirname, '../../../shared/conformance');

/** jsonlogic-tests.json: an array of `[rule, data, expected]` with "# section" strings between them. */
export function loadJsonLogicTests(): ConformanceCase[] {
  const raw = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'jsonlogic-tests.json'), 'utf8')) as unknown[];
  const cases: ConformanceCase[] = [];
  for (const entry of raw) {
    if (!Array.isArray(entry)) continue; // section comment
    const [rule, data, expected] = entry as [unknown, unknown, unknown];
    cases.push({ suite: 'jsonlogic-tests', index: cases.length, description: JSON.stringify(rule), rule, data, expected });
  }
  return cases;
}

/**
 * compat-compatible.json: an array of `{description, rule, data?, result}` with section strings between them.
 * A case without `data` is evaluated with undefined data (json-logic-js's default).
 */
export function loadCompatTests(): ConformanceCase[] {
  const raw = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'compat-compatible.json'), 'utf8')) as unknown[];
  const cases: ConformanceCase[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue; // section comment
    const record = entry as { description: string; rule: unknown; data?: unknown; result: unknown };
    cases.push({
      suite: 'compat-compatible',
      index: cases.length,
      description: record.description,
      rule: record.rule,
      data: 'data' in record ? record.data : undefined,
      expected: record.result,
    });
  }
  return cases;
}

/** Deep equality with Object.is on leaves: NaN equals NaN, 0 and -0 differ, undefined ≠ null. */
export function exactlyEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!exactlyEqual(a[i], b[i])) return false;
    return true;
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!exactlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Printable form of any value (NaN, -0 and undefined made visible). */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return '<undefined>';
    if (typeof v === 'number' && !Number.isFinite(v)) return `<${String(v)}>`;
    if (Object.is(v, -0)) return '<-0>';
    return v;
  });
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs `fn`, capturing its value or what it threw, so two engines can be compared case by case. */
export function run(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
