/** Operators with generated code; every other operator is evaluated by the interpreter's closure. */
import type { OperatorEmitter } from '../types';
import { emitAdd, emitDivide, emitModulo, emitMultiply, emitSubtract } from './arithmetic';
import { emitComparison } from './comparison';
import { emitExperiment, emitMissing, emitMissingSome, emitVar } from './data';
import { emitAudience, emitFractional } from './domain';
import { emitAll, emitFilter, emitMap, emitNone, emitSome } from './iteration';
import { emitAnd, emitIf, emitNot, emitNotNot, emitOr } from './logic';
import { emitCat, emitIn } from './strings';

const EMITTERS: Readonly<Record<string, OperatorEmitter>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, OperatorEmitter>, {
    '==': emitComparison,
    '===': emitComparison,
    '!=': emitComparison,
    '!==': emitComparison,
    '<': emitComparison,
    '<=': emitComparison,
    '>': emitComparison,
    '>=': emitComparison,
    and: emitAnd,
    or: emitOr,
    if: emitIf,
    '?:': emitIf,
    '!': emitNot,
    '!!': emitNotNot,
    var: emitVar,
    missing: emitMissing,
    missing_some: emitMissingSome,
    experiment: emitExperiment,
    audience: emitAudience,
    fractional: emitFractional,
    in: emitIn,
    cat: emitCat,
    '+': emitAdd,
    '-': emitSubtract,
    '*': emitMultiply,
    '/': emitDivide,
    '%': emitModulo,
    all: emitAll,
    none: emitNone,
    some: emitSome,
    map: emitMap,
    filter: emitFilter,
  }),
);

export function operatorEmitter(op: string): OperatorEmitter | undefined {
  return EMITTERS[op];
}
