/** The plugin's own operators: `audience` and `experiment`. */
import type { OperatorCompiler } from '../compiler-types';
import { RuleError } from '../errors';
import { isBlockedKey, ownValue } from '../safe-access';
import { ruleWeight, spendFuel } from '../fuel';
import { compileOperands } from './operands';
import { readRef, type PathRef } from './path-ref';

/**
 * `{"audience": "key"}`: the named audience's rule, compiled in place (as if written here, so it reads
 * the current scope) and returning that rule's value. Each evaluation spends the audience rule's weight of
 * fuel, which bounds audiences that reference each other many times.
 */
export const compileAudience: OperatorCompiler = (site, compiler) => {
  const key = site.operands[0];
  if (site.operands.length !== 1 || typeof key !== 'string') {
    throw new RuleError('invalid_arguments', '"audience" takes one audience key written as a string', site.path);
  }
  const rule = compiler.compileAudience(key, site);
  const cost = ruleWeight(compiler.audienceRule(key));
  const { budget } = compiler;
  const { path } = site;
  return (s) => {
    spendFuel(budget, cost, path);
    return rule(s);
  };
};

/**
 * `{"experiment": ["key", "arm"]}`: true when `experiments[key]` of the data is that arm (own
 * properties, strict string comparison). Non-string operands are false.
 */
export const compileExperiment: OperatorCompiler = (site, compiler) => {
  if (site.operands.length !== 2) {
    throw new RuleError('invalid_arguments', '"experiment" takes an experiment key and an arm: ["key", "arm"]', site.path);
  }
  const [rawKey, rawArm] = site.operands;
  if (typeof rawKey === 'string') compiler.noteExperiment(rawKey);
  if (typeof rawKey === 'string' && typeof rawArm === 'string') {
    // experiments[key] as a pre-split two-segment read (the key itself may contain dots)
    const ref: PathRef = {
      length: isBlockedKey(rawKey) ? -1 : 2,
      k0: 'experiments',
      k1: rawKey,
      k2: '',
      segments: ['experiments', rawKey],
      notFound: undefined,
      text: `experiments.${rawKey}`,
    };
    return (s) => readRef(s, ref) === rawArm;
  }
  const [keyArg, armArg] = compileOperands(site, compiler);
  return (s) => {
    const key = keyArg(s);
    const arm = armArg(s);
    return typeof key === 'string' && typeof arm === 'string' && ownValue(ownValue(s, 'experiments'), key) === arm;
  };
};
