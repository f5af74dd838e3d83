/**
 * cat and in. A literal list in `in` becomes a chain of `===` tests or a Set lookup. Strings and arrays read
 * from the data are charged to the fuel (../../fuel.ts), as operators/strings.ts does.
 */
import { isPrimitive } from '../../operators/operands';
import { emitOperands, scalar, withIgnored } from '../expr';
import { jsLiteral, jsString } from '../literals';
import type { OperatorEmitter } from '../types';

export const emitCat: OperatorEmitter = (site, g) => {
  const n = site.operands.length;
  if (n === 0) return scalar('""');
  if (n > 2) return undefined; // checked as it grows: the interpreter's loop
  const args = emitOperands(site, g);
  const path = g.constant(site.path);
  const text = args.map((arg, i) => (typeof site.operands[i] === 'string' ? `joinPart(${arg.code})` : `joinPart(chargeValue(B, ${arg.code}, ${path}))`)).join(' + ');
  return scalar(`checkedLength(${text}, ${jsLiteral(g.limits.stringLength)}, ${path})`);
};

/** Up to this many literal items are tested with `===` one by one; more go through a Set. */
const CHAIN_LIMIT = 16;

export const emitIn: OperatorEmitter = (site, g) => {
  const rawHaystack = site.operands[1];
  const [needle] = emitOperands(site, g, 1);
  let main: string;
  if (Array.isArray(rawHaystack) && rawHaystack.every(isPrimitive) && !rawHaystack.some((v) => Number.isNaN(v))) {
    // strict membership; NaN (never === itself) is excluded, so a Set (SameValueZero) agrees as well
    if (rawHaystack.length > CHAIN_LIMIT) {
      main = `${g.constant(new Set<unknown>(rawHaystack))}.has(${needle.code})`;
    } else if (rawHaystack.length === 0) {
      main = `(${needle.code}, false)`;
    } else {
      const t = g.fn.temp();
      const tests = rawHaystack.map((item, i) => `${i === 0 ? `(${t} = ${needle.code})` : t} === ${jsLiteral(item)}`);
      main = `(${tests.join(' || ')})`;
    }
  } else if (typeof rawHaystack === 'string' && rawHaystack !== '') {
    main = `(strIndexOf.call(${jsString(rawHaystack)}, chargeSearch(B, ${needle.code}, ${rawHaystack.length}, ${g.constant(site.path)})) !== -1)`;
  } else {
    const haystack = g.emit(rawHaystack, site.operandPath(1), site.scoped);
    main = `contains(${needle.code}, ${haystack.code}, ${g.constant(site.path)}, B)`;
  }
  return withIgnored(site, 2, scalar(main), g);
};
