import { z } from 'zod';

import { utf8Length } from '../../engine/src/measure';

/**
 * How deeply nested the JSON the plugin accepts may be, in levels of arrays and objects (`[[1]]` is
 * two levels deep). Every check walks with an explicit stack, never by recursion, so no input can
 * overflow the call stack: anything deeper is a 400 naming the path and the limit (docs/delivery.md
 * "Limits").
 */
export const JSON_DEPTH_LIMITS = {
  /**
   * Each field of a delivery request (`signals`, `populate`, `fields`, query parameters). Signals
   * are at most 3 levels deep (`{ context: { utm: { … } } }`); a populate takes two levels per
   * relation (`{ author: { populate: { … } } }`), and Strapi's own query parser stops at 20.
   */
  request: 32,
  /** Any other JSON, conditions included: the highest `limits.conditionDepth` the config accepts. */
  any: 256,
} as const;

export type JsonPath = (string | number)[];

export interface JsonProblem {
  kind: 'depth' | 'type';
  /** Where the problem is, from the value's root. */
  path: JsonPath;
  message: string;
}

export type JsonMeasure = { ok: true; bytes: number } | ({ ok: false } & JsonProblem);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number | null;
}

const pathOf = (frame: Frame): JsonPath => {
  const path: JsonPath = [];
  for (let at: Frame | null = frame; at !== null && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
};

const NOT_JSON = 'must be JSON: a string, a finite number, a boolean, null, an array or a plain object';

/**
 * Checks, without recursion, that `value` is plain JSON nested at most `maxDepth` levels, and
 * measures it: `bytes` is the UTF-8 length of `JSON.stringify(value)`. Stops at the first problem.
 */
export const measureJson = (value: unknown, maxDepth: number): JsonMeasure => {
  let bytes = 0;
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: null }];
  const problem = (kind: JsonProblem['kind'], frame: Frame, message: string): JsonMeasure => ({
    ok: false,
    kind,
    path: pathOf(frame),
    message,
  });
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const item = frame.value;
    switch (typeof item) {
      case 'string':
        // JSON.stringify gives the escaped form, with lone surrogates as ASCII \u escapes.
        bytes += utf8Length(JSON.stringify(item));
        continue;
      case 'number':
        if (!Number.isFinite(item)) return problem('type', frame, NOT_JSON);
        bytes += String(item).length;
        continue;
      case 'boolean':
        bytes += item ? 4 : 5;
        continue;
      case 'object':
        break;
      default:
        return problem('type', frame, NOT_JSON);
    }
    if (item === null) {
      bytes += 4;
      continue;
    }
    if (frame.depth + 1 > maxDepth) return problem('depth', frame, `nested deeper than ${maxDepth} levels`);
    const depth = frame.depth + 1;
    if (Array.isArray(item)) {
      bytes += item.length === 0 ? 2 : item.length + 1; // brackets and commas
      for (let index = item.length - 1; index >= 0; index -= 1) stack.push({ value: item[index], depth, parent: frame, key: index });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(item);
    if (proto !== Object.prototype && proto !== null) return problem('type', frame, NOT_JSON);
    const keys = Object.keys(item);
    bytes += keys.length === 0 ? 2 : keys.length * 2 + 1; // braces, colons and commas
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index];
      bytes += utf8Length(JSON.stringify(key));
      stack.push({ value: (item as Record<string, unknown>)[key], depth, parent: frame, key });
    }
  }
  return { ok: true, bytes };
};

/** A zod schema for JSON nested at most `maxDepth` levels, checked without recursion. */
export const boundedJsonSchema = (maxDepth: number): z.ZodType<unknown> =>
  z.unknown().superRefine((value, ctx) => {
    const measured = measureJson(value, maxDepth);
    if (!measured.ok) ctx.addIssue({ code: 'custom', path: measured.path, message: measured.message });
  });

/**
 * Any JSON value: JSON-logic rules are plain JSON, and the engine checks their shape (and its own,
 * configured, depth limit) when it compiles them.
 */
export const jsonValueSchema: z.ZodType<unknown> = boundedJsonSchema(JSON_DEPTH_LIMITS.any);
