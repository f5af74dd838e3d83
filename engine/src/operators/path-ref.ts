/**
 * Literal `var` reads as data instead of closures. `{"var": "context.device"}` is the most common operand of
 * all; operators that see one read it through `readRef` directly (a plain function the JIT inlines) instead
 * of calling a closure: one call less for every condition of the form `{"<op>": [{"var": ...}, literal]}`.
 */
import type { Compiler } from '../compiler-types';
import type { Evaluator } from '../types';
import { isBlockedKey, ownValueUnchecked, readPath } from '../safe-access';
import { isPrimitive, type Primitive } from './operands';

/** A pre-split literal path. `length` -1: the path goes through a blocked key, so it always misses. */
export interface PathRef {
  readonly length: number;
  readonly k0: string;
  readonly k1: string;
  readonly k2: string;
  readonly segments: readonly string[];
  readonly notFound: unknown;
  /** The path as written, for messages and references. */
  readonly text: string;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * json-logic-js's `var` walk for a literal path, restricted to own properties. The object case of each
 * step is written inline (the hot path: one own-property check and one read per segment).
 */
export function readRef(scope: unknown, ref: PathRef): unknown {
  const { notFound } = ref;
  let value: unknown;
  switch (ref.length) {
    case 0:
      return scope;
    case -1:
      return notFound;
    case 1:
    case 2:
    case 3:
      break;
    default:
      return readPath(scope, ref.segments, notFound);
  }
  if (typeof scope === 'object' && scope !== null) {
    if (!hasOwn.call(scope, ref.k0)) return notFound;
    value = (scope as Record<string, unknown>)[ref.k0];
  } else value = ownValueUnchecked(scope, ref.k0);
  if (ref.length === 1) return value === undefined ? notFound : value;
  if (typeof value === 'object' && value !== null) {
    if (!hasOwn.call(value, ref.k1)) return notFound;
    value = (value as Record<string, unknown>)[ref.k1];
  } else if (value === undefined || value === null) return notFound;
  else value = ownValueUnchecked(value, ref.k1);
  if (ref.length === 2) return value === undefined ? notFound : value;
  if (typeof value === 'object' && value !== null) {
    if (!hasOwn.call(value, ref.k2)) return notFound;
    value = (value as Record<string, unknown>)[ref.k2];
  } else if (value === undefined || value === null) return notFound;
  else value = ownValueUnchecked(value, ref.k2);
  return value === undefined ? notFound : value;
}

/** The ref of a literal path (`""`/null: the whole scope) with a literal default (null when absent). */
export function pathRef(path: unknown, notFound: unknown): PathRef {
  if (path === undefined || path === '' || path === null) {
    return { length: 0, k0: '', k1: '', k2: '', segments: [], notFound, text: '' };
  }
  const text = String(path);
  const segments = text.split('.');
  const length = segments.some(isBlockedKey) ? -1 : segments.length;
  return { length, k0: segments[0] ?? '', k1: segments[1] ?? '', k2: segments[2] ?? '', segments, notFound, text };
}

/**
 * The ref of an operand written as `{"var": <literal>}` or `{"var": [<literal>, <literal default>]}`, or
 * undefined for anything else (and always under `explain`, which records `var` nodes).
 */
/** The path and default of `{"var": <literal>}` / `{"var": [<literal>, <literal>]}`, else undefined. */
export function literalVarOperands(operand: unknown): [Primitive, Primitive] | undefined {
  if (typeof operand !== 'object' || operand === null || Array.isArray(operand)) return undefined;
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'var') return undefined;
  const raw: unknown = (operand as Record<string, unknown>).var;
  const operands: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  if (operands.length > 2 || !operands.every(isPrimitive)) return undefined;
  return [operands[0] as Primitive, operands.length > 1 ? (operands[1] as Primitive) : null];
}

export function literalVarRef(operand: unknown, compiler: Compiler, scoped: boolean): PathRef | undefined {
  if (compiler.tracer !== undefined) return undefined;
  const operands = literalVarOperands(operand);
  if (operands === undefined) return undefined;
  const ref = pathRef(operands[0], operands[1]);
  if (!scoped && ref.length !== 0) compiler.noteVar(ref.text);
  return ref;
}

/**
 * An operand that is either a literal `var` read or a compiled evaluator. `operandValue` reads it without a
 * closure call in the first case; operators use it where a literal read is common but not the only shape.
 */
export interface Operand {
  readonly ref: PathRef | undefined;
  readonly evaluate: Evaluator;
}

export function operand(raw: unknown, evaluate: Evaluator, compiler: Compiler, scoped: boolean): Operand {
  return { ref: literalVarRef(raw, compiler, scoped), evaluate };
}

export function operandValue(scope: unknown, op: Operand): unknown {
  return op.ref !== undefined ? readRef(scope, op.ref) : op.evaluate(scope);
}
