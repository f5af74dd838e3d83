import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';

import {
  compile,
  createExplainer,
  explain,
  isOutOfFuel,
  orderingSignals,
  RuleError,
  type CompiledRule,
  type CompileOptions,
  type Explainer,
  type ExplainNode,
} from '../../../engine/src';
import type { ConditionProblem } from '../../../contracts/src/variants/validate';
import type { Variant } from '../../../contracts/src/variants/schema';
import { vocabularySample } from '../../../contracts/src/signals/vocabulary';
import { getService } from './services';
import { summarizeExplain, type ReasonEntry } from '../../../contracts/src/reason';

/** A variant with its condition compiled; `evaluator: null` means "no condition: always matches". */
export interface CompiledVariant {
  variant: Variant;
  evaluator: CompiledRule | null;
  /** Set when the stored condition no longer compiles (e.g. an audience it names was deleted). */
  compileError?: string;
  /** Compiled on the first match, to say why it matched without compiling again per request. */
  explainer?: Explainer;
  /**
   * The signals the condition's ordering comparisons (`<`, `<=`, `>`, `>=`) read, audiences included
   * (engine `orderingSignals`): when the condition is false, those missing in the request are reported
   * as a `missing-signal` reason without explaining the condition.
   */
  orderingSignals?: readonly string[];
}

/** A condition compiled once: its evaluator and the signals its ordering comparisons read. */
interface CompiledCondition {
  rule: CompiledRule;
  orderingSignals: readonly string[];
}

const MAX_COMPILED = 10_000;

const hashCondition = (condition: unknown) => createHash('sha1').update(JSON.stringify(condition)).digest('base64url');

/**
 * Compiles variant conditions once and picks the winning variant per request. Compiled forms are
 * cached by the condition's content hash and the audience library's version, so a request never
 * compiles a condition that an earlier request or a publish already compiled.
 */
const createConditionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const compiled = new LRUCache<string, CompiledCondition | RuleError>({ max: MAX_COMPILED });

  const engineOptions = (audienceRules?: Record<string, unknown>): CompileOptions => {
    const { limits } = getService(strapi, 'settings').get();
    return {
      audiences: (audienceRules ?? getService(strapi, 'audiences').rules()) as CompileOptions['audiences'],
      limits: { depth: limits.conditionDepth, bytes: limits.conditionBytes, fuel: limits.conditionFuel },
      // Delivery, audiences, the live test and explain: missing signals never satisfy <, <=, >, >=.
      semantics: 'personalize',
    };
  };

  const compileCached = (condition: unknown): CompiledCondition | RuleError => {
    const key = `${getService(strapi, 'audiences').version()}:${hashCondition(condition)}`;
    let entry = compiled.get(key);
    if (!entry) {
      try {
        const options = engineOptions();
        const rule = compile(condition as never, options);
        entry = { rule, orderingSignals: Object.freeze(orderingSignals(condition as never, options)) };
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        entry = error;
      }
      compiled.set(key, entry);
    }
    return entry;
  };

  /**
   * Logs a broken condition once per variant and publish: a compiled variant belongs to one compiled
   * program (one published version of the entry), so a condition failing on every request logs once.
   */
  const logged = new WeakSet<CompiledVariant>();
  const logConditionError = (candidate: CompiledVariant, message: string) => {
    if (logged.has(candidate)) return;
    logged.add(candidate);
    strapi.log.warn(`[personalize] condition of variant "${candidate.variant.id}" failed and counts as no match: ${message}`);
  };

  return {
    /**
     * For validation on save: null when the condition compiles and its dry run against the vocabulary's
     * sample signals stays within the work budget; else where and why not (docs/engine.md, "Work budget").
     */
    check(condition: unknown, audienceRules?: Record<string, unknown>): ConditionProblem | null {
      let rule: CompiledRule;
      if (!audienceRules) {
        // Against the live library: keep the compiled form, so delivery reuses it after publish.
        const result = compileCached(condition);
        if (result instanceof RuleError) return { path: result.path, message: result.message };
        rule = result.rule;
      } else {
        try {
          rule = compile(condition as never, engineOptions(audienceRules));
        } catch (error) {
          if (error instanceof RuleError) return { path: error.path, message: error.message };
          throw error;
        }
      }
      return dryRun(rule);
    },

    /** A condition compiled against the live audience library (cached), or why it does not compile. */
    compileCondition(condition: unknown): { rule: CompiledRule } | { error: string } {
      const result = compileCached(condition);
      return result instanceof RuleError ? { error: `${result.message} at ${JSON.stringify(result.path)}` } : { rule: result.rule };
    },

    compileVariants(variants: readonly Variant[]): CompiledVariant[] {
      return variants.map((variant) => {
        if (variant.condition === undefined || variant.condition === null) return { variant, evaluator: null };
        const result = compileCached(variant.condition);
        return result instanceof RuleError
          ? { variant, evaluator: null, compileError: `${result.message} at ${JSON.stringify(result.path)}` }
          : { variant, evaluator: result.rule, orderingSignals: result.orderingSignals };
      });
    },

    /** Why a matched variant matched: its condition's true tests, compiled for explaining once per program. */
    explainMatch,

    logConditionError,

    explain(condition: unknown, data: unknown, audienceRules?: Record<string, unknown>): ExplainNode {
      return explain(condition as never, data, engineOptions(audienceRules));
    },

    /** Drops compiled forms; the next request compiles again (after an audience change, say). */
    clear() {
      compiled.clear();
    },

    stats: () => ({ compiledConditions: compiled.size }),
  };

  /**
   * Evaluates a compiled condition against the vocabulary's sample signals: a condition that runs out of
   * its work budget there would on every request, so it is refused. Other runtime errors (and limits:
   * array and string lengths) depend on the data a request sends, and are not a reason to refuse.
   */
  function dryRun(rule: CompiledRule): ConditionProblem | null {
    try {
      rule.evaluate(vocabularySample());
      return null;
    } catch (error) {
      if (!isOutOfFuel(error)) return null;
      const { path, detail } = error as RuleError;
      return {
        path,
        message:
          `The condition does too much work: evaluated on sample signals, ${detail.charAt(0).toLowerCase()}${detail.slice(1)}. ` +
          'It would count as no match on every request; simplify it (fewer or shorter iterations, shorter strings).',
      };
    }
  }

  function explainMatch(compiledVariant: CompiledVariant, data: unknown): ReasonEntry[] {
    try {
      compiledVariant.explainer ??= createExplainer(compiledVariant.variant.condition as never, engineOptions());
      return summarizeExplain(compiledVariant.explainer.explain(data));
    } catch {
      // The condition matched; failing to describe why must not fail the response.
      return [{ rule: 'matched', result: true }];
    }
  }
};

export type ConditionsService = ReturnType<typeof createConditionsService>;
export default createConditionsService;
