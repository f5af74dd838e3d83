import type { OperatorCompiler } from '../compiler-types';
import { RuleError } from '../errors';
import { compileOperands, withIgnoredOperands } from './operands';

/** `log` returns its first operand; it reaches the `onLog` option instead of the console. */
export const compileLog: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const { onLog } = compiler;
  if (args.length === 0) {
    return onLog === undefined ? () => undefined : () => (onLog(undefined), undefined);
  }
  const [first] = args;
  const main = onLog === undefined
    ? first
    : (s: unknown) => {
        const value = first(s);
        onLog(value);
        return value;
      };
  return withIgnoredOperands(site, 1, args, main);
};

/** `method` would call a method found on the data: never allowed (json-logic-js 2.0.5 has no such operation either). */
export const compileMethod: OperatorCompiler = (site) => {
  throw new RuleError('unsupported_operator', '"method" is not supported: rules cannot call methods', site.path);
};
