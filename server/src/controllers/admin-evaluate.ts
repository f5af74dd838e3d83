import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import type { ExplainNode } from '../../../engine/src';
import { withCurrentTime } from '../signals/derive';
import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/errors';
import { summarizeExplain, type ReasonEntry } from '../../../contracts/src/reason';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { evaluateBodySchema, type EvaluateBody, type VariantOutcome } from '../../../contracts/src/admin/evaluate';
import { validateVariantsValue } from '../../../contracts/src/variants/validate';
import { variantsValueSchema, type Variant } from '../../../contracts/src/variants/schema';

const CM_READ = 'plugin::content-manager.explorer.read';

type Entry = Record<string, unknown> & { documentId: string; locale?: string | null };

interface Ability {
  can(action: string, subject: unknown): boolean;
}

/** Fills `{documentId}`, `{locale}`, `{uid}`, `{variant}` of the configured preview URL template. */
export const buildPreviewUrl = (
  template: unknown,
  values: { uid: string; documentId: string; locale: string | null; variant: string | null }
): string | null => {
  if (typeof template !== 'string' || template.length === 0) return null;
  const filled = template.replace(/\{(documentId|locale|uid|variant)\}/g, (_, key: keyof typeof values) =>
    encodeURIComponent(values[key] ?? '')
  );
  if (template.includes('{variant}') || !values.variant) return filled;
  const separator = filled.includes('?') ? '&' : '?';
  return `${filled}${separator}${encodeURIComponent('personalize[variant]')}=${encodeURIComponent(values.variant)}`;
};

const createAdminEvaluateController = ({ strapi }: { strapi: Core.Strapi }) => {
  const conditions = () => getService(strapi, 'conditions');

  const explainOf = (condition: unknown, data: unknown): { explain?: ExplainNode; reason: ReasonEntry[]; error?: string } => {
    try {
      const explain = conditions().explain(condition, data);
      return { explain, reason: explain.truthy ? summarizeExplain(explain) : [] };
    } catch (error) {
      return { reason: [], error: error instanceof Error ? error.message : String(error) };
    }
  };

  const sampleSignals = (body: EvaluateBody) =>
    withCurrentTime(body.signals, getService(strapi, 'settings').get().defaultTimezone);

  /** Condition mode: compile (400 with the path when it does not) and explain. */
  const evaluateCondition = (body: EvaluateBody) => {
    const condition = body.condition ?? null;
    if (condition === null) return { matched: true, result: true, reason: [{ rule: 'always', result: true }] };
    const problem = conditions().check(condition);
    if (problem) {
      const path = ['condition', ...problem.path];
      throw new errors.ValidationError(`Invalid condition at ${path.join('.')}: ${problem.message}`, {
        errors: [{ path, message: problem.message, name: 'ValidationError' }],
      });
    }
    const outcome = explainOf(condition, sampleSignals(body));
    return {
      matched: outcome.explain?.truthy ?? false,
      result: outcome.explain?.result ?? null,
      reason: outcome.reason,
      explain: outcome.explain,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  };

  const loadEntry = async (body: EvaluateBody, schema: SchemaLike): Promise<Entry> => {
    if (schema.kind === 'collectionType' && !body.documentId) {
      throw new errors.ValidationError('documentId is required for a collection type', {
        errors: [{ path: ['documentId'], message: 'Required', name: 'ValidationError' }],
      });
    }
    const params = {
      status: body.status,
      populate: '*',
      ...(body.locale ? { locale: body.locale } : {}),
    };
    const entry = (await getService(strapi, 'content-types').findEntry(schema.uid, body.documentId, params)) as Entry | null;
    if (!entry) throw new errors.NotFoundError('Entry not found');
    return entry;
  };

  /** The variants to test: those sent (checked as a save would check them), else the entry's. */
  const variantsToTest = (body: EvaluateBody, schema: SchemaLike | undefined, fieldName: string | null, entry: Entry | null): Variant[] => {
    const raw = body.variants !== undefined ? { variants: body.variants } : entry && fieldName ? entry[fieldName] : null;
    if (raw === null || raw === undefined) return [];
    if (schema && fieldName) {
      const { limits } = getService(strapi, 'settings').get();
      const contentTypes = getService(strapi, 'content-types');
      const result = validateVariantsValue(raw, {
        schema,
        fieldName,
        getComponent: contentTypes.getComponent,
        maxVariants: limits.variantsPerEntry,
        maxConditionBytes: limits.conditionBytes,
        checkCondition: (condition) => conditions().check(condition),
      });
      if (!result.ok) {
        // Paths relative to the body: `variants[0]...` rather than the field's name.
        const issues = result.issues.map((issue) => ({ ...issue, path: issue.path.slice(1) }));
        throw new errors.ValidationError(result.message, { errors: issues });
      }
      return result.value?.variants ?? [];
    }
    const parsed = parseOrThrow(variantsValueSchema, raw, 'Invalid variants');
    parsed.variants.forEach((variant, index) => {
      const problem = variant.condition === undefined || variant.condition === null ? null : conditions().check(variant.condition);
      if (problem) {
        const path = ['variants', index, 'condition', ...problem.path];
        throw new errors.ValidationError(`Invalid variants: Variant "${variant.name}" at ${path.join('.')}: ${problem.message}`, {
          errors: [{ path, message: problem.message, name: 'ValidationError' }],
        });
      }
    });
    return parsed.variants;
  };

  const outcomeOf = (variant: Variant, data: unknown): VariantOutcome => {
    const base = { id: variant.id, name: variant.name, enabled: variant.enabled };
    if (!variant.enabled) return { ...base, matched: null, reason: [] };
    if (variant.condition === undefined || variant.condition === null) {
      return { ...base, matched: true, reason: [{ rule: 'always', result: true }] };
    }
    const [compiled] = conditions().compileVariants([variant]);
    if (compiled.compileError) return { ...base, matched: false, error: compiled.compileError, reason: [] };
    const outcome = explainOf(variant.condition, data);
    return { ...base, matched: Boolean(outcome.explain?.truthy), ...outcome };
  };

  return {
    /** POST /personalize/evaluate */
    async evaluate(ctx: Context) {
      const body = parseOrThrow(evaluateBodySchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid evaluate request');
      if (body.condition !== undefined) {
        ctx.body = { data: evaluateCondition(body) };
        return;
      }

      const contentTypes = getService(strapi, 'content-types');
      let schema: SchemaLike | undefined;
      let fieldName: string | null = null;
      let entry: Entry | null = null;
      if (body.uid) {
        schema = contentTypes.getSchema(body.uid);
        fieldName = contentTypes.getVariantsFieldName(body.uid);
        if (!schema || !fieldName) throw new errors.NotFoundError(`"${body.uid}" is not a content type with a variants field`);
        const ability = ctx.state.userAbility as Ability;
        if (!ability.can(CM_READ, body.uid)) throw new errors.ForbiddenError(`You may not read ${body.uid} entries`);
        if (body.documentId || schema.kind === 'singleType' || body.variants === undefined) entry = await loadEntry(body, schema);
      }

      const variants = variantsToTest(body, schema, fieldName, entry);
      const data = {
        ...sampleSignals(body),
        targetingKey: body.visitorId,
        $flagd: { flagKey: `${body.uid ?? ''}:${entry?.documentId ?? body.documentId ?? ''}` },
      };
      const outcomes = variants.map((variant) => outcomeOf(variant, data));

      let winner: Variant | null;
      if (body.variant) {
        winner = variants.find((variant) => variant.id === body.variant) ?? null;
        if (!winner) {
          throw new errors.NotFoundError(`No variant "${body.variant}" in this entry`, {
            errors: [{ path: ['variant'], message: 'unknown variant', name: 'NotFoundError' }],
          });
        }
      } else {
        const index = outcomes.findIndex((outcome) => outcome.matched === true);
        winner = index >= 0 ? variants[index] : null;
      }

      const result: Record<string, unknown> = {
        variant: winner?.id ?? null,
        forced: Boolean(body.variant),
        reason: winner ? (outcomes.find((outcome) => outcome.id === winner!.id)?.reason ?? []) : [],
        variants: outcomes,
      };

      if (entry && schema && fieldName) {
        const checker = strapi
          .plugin('content-manager')
          .service('permission-checker')
          .create({ userAbility: ctx.state.userAbility, model: schema.uid });
        const resolved: Entry = { ...entry };
        // As delivery does it: media and relations overridden by id are fetched, not shown as ids.
        if (winner) await getService(strapi, 'overrides').apply(resolved, winner, schema, null);
        delete resolved[fieldName];
        result.entry = await checker.sanitizeOutput(resolved);
        result.previewUrl = buildPreviewUrl(getService(strapi, 'settings').get().previewUrl, {
          uid: schema.uid,
          documentId: entry.documentId,
          locale: entry.locale ?? null,
          variant: winner?.id ?? null,
        });
      }
      ctx.body = { data: result };
    },
  };
};

export default createAdminEvaluateController;
