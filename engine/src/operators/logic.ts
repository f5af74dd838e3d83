/** if / ?:, and, or, !, !! — short-circuiting exactly like json-logic-js. */
import type { OperatorCompiler } from '../compiler-types';
import type { Evaluator } from '../types';
import { compileOperands, withIgnoredOperands } from './operands';
import { literalVarRef, readRef } from './path-ref';

/** Pairs of (condition, value), then an optional else; no match and no else gives null. */
export const compileIf: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  switch (args.length) {
    case 0:
      return () => null;
    case 1:
      return args[0];
    case 2: {
      const [test, then] = args;
      return (scope) => {
        const t = test(scope);
        return (Array.isArray(t) ? t.length !== 0 : t) ? then(scope) : null;
      };
    }
    case 3: {
      const [test, then, otherwise] = args;
      return (scope) => {
        const t = test(scope);
        return (Array.isArray(t) ? t.length !== 0 : t) ? then(scope) : otherwise(scope);
      };
    }
    default: {
      const last = args.length - 1;
      const hasElse = args.length % 2 === 1;
      return (scope) => {
        for (let i = 0; i < last; i += 2) {
          const t = args[i](scope);
          if (Array.isArray(t) ? t.length !== 0 : t) return args[i + 1](scope);
        }
        return hasElse ? args[last](scope) : null;
      };
    }
  }
};

/** First falsy value, or the last value (undefined with no operands). */
export const compileAnd: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  if (args.length === 0) return () => undefined;
  if (args.length === 1) return args[0];
  if (args.length === 2) {
    const [first, second] = args;
    return (scope) => {
      const v = first(scope);
      return (Array.isArray(v) ? v.length !== 0 : v) ? second(scope) : v;
    };
  }
  return chain(args, false);
};

/** First truthy value, or the last value (undefined with no operands). */
export const compileOr: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  if (args.length === 0) return () => undefined;
  if (args.length === 1) return args[0];
  if (args.length === 2) {
    const [first, second] = args;
    return (scope) => {
      const v = first(scope);
      return (Array.isArray(v) ? v.length !== 0 : v) ? v : second(scope);
    };
  }
  return chain(args, true);
};

function chain(args: Evaluator[], stopOnTruthy: boolean): Evaluator {
  const last = args.length - 1;
  return (scope) => {
    for (let i = 0; i < last; i++) {
      const v = args[i](scope);
      if ((Array.isArray(v) ? v.length !== 0 : !!v) === stopOnTruthy) return v;
    }
    return args[last](scope);
  };
}

export const compileNot: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  if (args.length === 0) return () => true; // !truthy(undefined)
  const ref = args.length === 1 ? literalVarRef(site.operands[0], compiler, site.scoped) : undefined;
  if (ref !== undefined) {
    return (scope) => {
      const v = readRef(scope, ref);
      return Array.isArray(v) ? v.length === 0 : !v;
    };
  }
  const first = args[0];
  return withIgnoredOperands(site, 1, args, (scope) => {
    const v = first(scope);
    return Array.isArray(v) ? v.length === 0 : !v;
  });
};

export const compileNotNot: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  if (args.length === 0) return () => false;
  const first = args[0];
  return withIgnoredOperands(site, 1, args, (scope) => {
    const v = first(scope);
    return Array.isArray(v) ? v.length !== 0 : !!v;
  });
};
