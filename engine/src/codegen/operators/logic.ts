/** and, or, if / ?:, !, !! — JavaScript's own short-circuit operators when the operands are never arrays. */
import { emitOperands, scalar, truthyTest, withIgnored } from '../expr';
import type { Expr, OperatorEmitter } from '../types';

function chain(stopOnTruthy: boolean): OperatorEmitter {
  return (site, g) => {
    const args = emitOperands(site, g);
    if (args.length === 0) return scalar('(void 0)');
    let acc = args[args.length - 1];
    for (let i = args.length - 2; i >= 0; i--) {
      const e = args[i];
      const isScalar = e.scalar && acc.scalar;
      if (e.scalar) {
        // `a && b` / `a || b` return the deciding value, exactly as JSON-logic's and/or do for non-arrays
        acc = { code: `(${e.code} ${stopOnTruthy ? '||' : '&&'} ${acc.code})`, scalar: isScalar };
      } else {
        const t = g.fn.temp();
        const test = `(isArray(${t} = ${e.code}) ? ${t}.length !== 0 : ${t})`;
        acc = { code: stopOnTruthy ? `(${test} ? ${t} : ${acc.code})` : `(${test} ? ${acc.code} : ${t})`, scalar: isScalar };
      }
    }
    return acc;
  };
}

export const emitAnd = chain(false);
export const emitOr = chain(true);

/** Pairs of (condition, value), then an optional else; no match and no else gives null. */
export const emitIf: OperatorEmitter = (site, g) => {
  const args = emitOperands(site, g);
  if (args.length === 0) return scalar('null');
  if (args.length === 1) return args[0];
  const hasElse = args.length % 2 === 1;
  let acc: Expr = hasElse ? args[args.length - 1] : scalar('null');
  const pairsEnd = hasElse ? args.length - 1 : args.length;
  for (let i = pairsEnd - 2; i >= 0; i -= 2) {
    const then = args[i + 1];
    acc = { code: `(${truthyTest(args[i], g)} ? ${then.code} : ${acc.code})`, scalar: then.scalar && acc.scalar };
  }
  return acc;
};

export const emitNot: OperatorEmitter = (site, g) => {
  if (site.operands.length === 0) return scalar('true');
  const [first] = emitOperands(site, g, 1);
  return withIgnored(site, 1, scalar(`(!${truthyTest(first, g)})`), g);
};

export const emitNotNot: OperatorEmitter = (site, g) => {
  if (site.operands.length === 0) return scalar('false');
  const [first] = emitOperands(site, g, 1);
  return withIgnored(site, 1, scalar(`(!!${truthyTest(first, g)})`), g);
};

