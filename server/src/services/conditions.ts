import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';

import {
  compile,
  createExplainer,
  explain,
  orderingSignals,
  RuleError,
  type CompiledRule,
  type CompileOptions,
  type Explainer,
  type ExplainNode,
} from '../../../engine/src';
import type { ConditionProblem } from '../../../contracts/src/variants/validate';
import type { Variant } from '../../../contracts/src/variants/schema';
import { getService } from '../utils/get-service';
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
const ERROR_LOG_INTERVAL_MS = 60_000;

const hashCondition = (condition: unknown) => createHash('sha1').update(JSON.stringify(condition)).digest('base64url');

/**
 * Compiles variant conditions once and picks the winning variant per request. Compiled forms are
 * cached by the condition's content hash and the audience library's version, so a request never
 * compiles a condition that an earlier request or a publish already compiled.
 */
const createConditionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const compiled = new LRUCache<string, CompiledCondition | RuleError>({ max: MAX_COMPILED });
  const lastErrorLog = new Map<string, number>();

  const engineOptions = (audienceRules?: Record<string, unknown>): CompileOptions => {
    const { limits } = getService(strapi, 'settings').get();
    return {
      audiences: (audienceRules ?? getService(strapi, 'audiences').rules()) as CompileOptions['audiences'],
      limits: { depth: limits.conditionDepth, bytes: limits.conditionBytes },
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

  /** Logs a broken condition at most once a minute per variant, never once per request. */
  const logConditionError = (variant: Variant, message: string) => {
    const now = Date.now();
    const last = lastErrorLog.get(variant.id) ?? 0;
    if (now - last < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog.set(variant.id, now);
    if (lastErrorLog.size > 1000) lastErrorLog.clear();
    strapi.log.warn(`[personalize] condition of variant "${variant.id}" failed and counts as no match: ${message}`);
  };

  return {
    /** For validation on save: null when the condition compiles, else where and why it does not. */
    check(condition: unknown, audienceRules?: Record<string, unknown>): ConditionProblem | null {
      if (!audienceRules) {
        // Against the live library: keep the compiled form, so delivery reuses it after publish.
        const result = compileCached(condition);
        return result instanceof RuleError ? { path: result.path, message: result.message } : null;
      }
      try {
        compile(condition as never, engineOptions(audienceRules));
        return null;
      } catch (error) {
        if (error instanceof RuleError) return { path: error.path, message: error.message };
        throw error;
      }
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
