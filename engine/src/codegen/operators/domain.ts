/**
 * audience (a call of the audience's generated function, spending the audience rule's weight of fuel) and fractional with a
 * `{"cat": [...]}` bucketing value of literals and literal `var`s (hashed without building the string,
 * as operators/fractional.ts does). Other fractional shapes are left to the interpreter.
 */
import { CHAR_SHIFT, ruleWeight } from '../../fuel';
import { parseDistribution } from '../../operators/fractional';
import { literalVarOperands } from '../../operators/path-ref';
import { isPrimitive } from '../../operators/operands';
import { joinPart } from '../../operators/strings';
import { scalar } from '../expr';
import { jsLiteral } from '../literals';
import type { Expr, OperatorEmitter } from '../types';
import { readLiteralPath } from './data';

export const emitAudience: OperatorEmitter = (site, g) => {
  const key = site.operands[0] as string;
  const { name, scalar: isScalar } = g.audience(key);
  const cost = ruleWeight(g.audienceRule(key));
  const code = `((B.fuelLeft -= ${cost}) < 0 ? outOfFuel(${g.constant(site.path)}) : ${name}(s))`;
  return { code, scalar: isScalar };
};

const literalBucket = (entry: unknown) => Array.isArray(entry) && entry.every(isPrimitive);

export const emitFractional: OperatorEmitter = (site, g) => {
  const { operands } = site;
  if (!site.operandsWrittenAsArray || operands.length < 2 || !operands.slice(1).every(literalBucket)) return undefined;
  if (literalBucket(operands[0])) return undefined;
  const distribution = parseDistribution(operands.slice(1));
  const cat = operands[0];
  if (distribution === undefined || typeof cat !== 'object' || cat === null || Array.isArray(cat)) return undefined;
  const keys = Object.keys(cat);
  const raw: unknown = keys.length === 1 && keys[0] === 'cat' ? (cat as Record<string, unknown>).cat : undefined;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const parts: (string | Expr)[] = [];
  for (const operand of raw) {
    if (isPrimitive(operand)) parts.push(joinPart(operand));
    else {
      const ref = literalVarOperands(operand);
      if (ref === undefined) return undefined;
      parts.push(readLiteralPath(g, ref[0], ref[1]));
    }
  }
  // texts: a per-site array, literal parts filled in once; read parts assigned on each evaluation
  const texts = g.constant(parts.map((part) => (typeof part === 'string' ? part : '')));
  const steps: string[] = [];
  const lengths: string[] = [];
  parts.forEach((part, i) => {
    if (typeof part === 'string') lengths.push(String(part.length));
    else {
      steps.push(`${texts}[${i}] = joinPart(${part.code})`);
      lengths.push(`${texts}[${i}].length`);
    }
  });
  const length = g.fn.temp();
  const max = jsLiteral(g.limits.stringLength);
  const catPath = g.constant(site.operandPath(0));
  steps.push(`(${length} = ${lengths.join(' + ')}) > ${max} && throwStringLimit(${length}, ${max}, ${catPath})`);
  steps.push(`(B.fuelLeft -= ${length} >>> ${CHAR_SHIFT}) < 0 && outOfFuel(${catPath})`); // hashing is work (../../fuel.ts)
  const pick = distribution.total === 0 ? '""' : `pickVariantByHash(${g.constant(distribution)}, murmur3Joined(${texts}))`;
  steps.push(`isObjectData(s) ? ${pick} : null`);
  return scalar(`(${steps.join(', ')})`); // variants are strings, booleans, numbers or null
};
