import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import type { EvaluateBody, VariantOutcome, VariantsEvaluation } from '../../../contracts/src/admin/evaluate';
import { missingSignalsOf, summarizeExplain, type ReasonEntry } from '../../../contracts/src/reason';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { unknownSignals } from '../../../contracts/src/signals/check';
import { validateVariantsValue } from '../../../contracts/src/variants/validate';
import { variantsValueSchema, type Variant } from '../../../contracts/src/variants/schema';
import { QUERY_PARAMETER } from '../../../contracts/src/wire';
import type { ExplainNode } from '../../../engine/src';
import type { CompiledVariant } from '../platform/conditions';
import { parseOrThrow } from '../utils/errors';
import { chooseVariant, type Choice } from './choose';
import type { DeliveryPorts, ExperimentsPort } from './ports';
import { evaluationContext, sampleSignals } from './context';
import { matchVariant } from './select';
import { capsRule, loadVisitor, visitorReasons, withProfile } from './visitor';

/** Inline variants have no entry: no experiment can target them or count them. */
const NO_EXPERIMENTS: ExperimentsPort = {
  anyRunning: () => false,
  targeting: () => [],
  referencedBy: () => [],
  eligibility: () => null,
  running: () => undefined,
};

/**
 * The admin's live test and preview, through the delivery pipeline: the same evaluation context
 * (sample signals instead of the request's: an editor tests "mobile" without a phone), the same
 * selection, the same overrides. The entry is read, checked and sanitized for the editor as the
 * Content Manager's edit view reads it (its permission checker: conditions, locales, fields).
 * Every variant is also explained, for the panel.
 */

type Entry = Record<string, unknown> & { documentId: string; locale?: string | null };

/** The signed-in admin's ability (`ctx.state.userAbility`). */
export interface Ability {
  can(action: string, subject?: unknown, field?: string): boolean;
}

/** The part of the Content Manager's permission checker (`permission-checker` service) used here. */
interface PermissionChecker {
  cannot: { read(entity?: object, field?: string): boolean };
  sanitizeOutput(entity: object): Promise<Record<string, unknown>>;
  sanitizedQuery: { read(query: Record<string, unknown>): Promise<Record<string, unknown>> };
}

interface PopulateBuilder {
  populateFromQuery(query: Record<string, unknown>): PopulateBuilder;
  populateDeep(level: number): PopulateBuilder;
  countRelations(): PopulateBuilder;
  withPopulateOverride(overrides: Record<string, unknown>): PopulateBuilder;
  build(): Promise<unknown>;
}

/** What the edit view loads of the other locales (the Content Manager's `getPopulateForLocalizations`): never their content. */
const LOCALIZATIONS_POPULATE = { localizations: { fields: ['locale', 'documentId', 'publishedAt', 'updatedAt'] } };

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
  return `${filled}${separator}${encodeURIComponent(`${QUERY_PARAMETER}[variant]`)}=${encodeURIComponent(values.variant)}`;
};

const createPreviewService = ({ strapi, ports }: { strapi: Core.Strapi; ports: DeliveryPorts }) => {
  const conditions = () => ports.conditions;

  /** The explained evaluation; `missing`: the signals whose absence made ordering comparisons false. */
  const explainOf = (
    condition: unknown,
    data: unknown
  ): { explain?: ExplainNode; reason: ReasonEntry[]; missing?: string[]; error?: string } => {
    try {
      const explain = conditions().explain(condition, data);
      const missing = missingSignalsOf(explain);
      return { explain, reason: explain.truthy ? summarizeExplain(explain) : [], ...(missing.length > 0 ? { missing } : {}) };
    } catch (error) {
      return { reason: [], error: error instanceof Error ? error.message : String(error) };
    }
  };

  const samplesOf = (body: EvaluateBody) => sampleSignals(body.signals, ports.settings.get().defaultTimezone);

  /** What a save would refuse in a condition: it does not compile, or it reads an unknown signal. */
  const conditionProblem = (condition: unknown) => {
    const problem = conditions().check(condition);
    if (problem) return problem;
    const [unknown] = unknownSignals(condition);
    return unknown ? { path: unknown.path, message: unknown.message } : null;
  };

  /** Condition mode: compile (400 with the path when it does not) and explain. */
  const evaluateCondition = (body: EvaluateBody) => {
    const condition = body.condition ?? null;
    if (condition === null) return { matched: true, result: true, reason: [{ rule: 'always', result: true }] };
    const problem = conditionProblem(condition);
    if (problem) {
      const path = ['condition', ...problem.path];
      throw new errors.ValidationError(`Invalid condition at ${path.join('.')}: ${problem.message}`, {
        errors: [{ path, message: problem.message, name: 'ValidationError' }],
      });
    }
    const outcome = explainOf(condition, samplesOf(body));
    return {
      matched: outcome.explain?.truthy ?? false,
      result: outcome.explain?.result ?? null,
      reason: outcome.reason,
      ...(outcome.missing ? { missing: outcome.missing } : {}),
      explain: outcome.explain,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  };

  const permissionChecker = (ability: Ability, uid: string): PermissionChecker =>
    strapi.plugin('content-manager').service('permission-checker').create({ userAbility: ability, model: uid });

  /**
   * The entry as the Content Manager's `findOne` reads it for this admin: the populate its
   * permission query needs (e.g. `createdBy` for "own entries only"), components and media deep,
   * relations as counts, other locales as their locale and status only; then 403 unless the
   * admin may read this very entry (creator conditions, locale).
   */
  const loadEntry = async (body: EvaluateBody, schema: SchemaLike, checker: PermissionChecker): Promise<Entry> => {
    if (schema.kind === 'collectionType' && !body.documentId) {
      throw new errors.ValidationError('documentId is required for a collection type', {
        errors: [{ path: ['documentId'], message: 'Required', name: 'ValidationError' }],
      });
    }
    const query = { status: body.status, ...(body.locale ? { locale: body.locale } : {}) };
    const permissionQuery = await checker.sanitizedQuery.read(query);
    const builder = strapi.plugin('content-manager').service('populate-builder') as (uid: string) => PopulateBuilder;
    const localized = Boolean(schema.pluginOptions?.i18n?.localized);
    const populate = await builder(schema.uid)
      .populateFromQuery(permissionQuery)
      .populateDeep(Infinity)
      .countRelations()
      .withPopulateOverride(localized ? LOCALIZATIONS_POPULATE : {})
      .build();
    const entry = (await ports.contentTypes.findEntry(schema.uid, body.documentId, { ...query, populate })) as Entry | null;
    if (!entry) throw new errors.NotFoundError('Entry not found');
    // Strapi answers a handler's ForbiddenError as a bare 403 "Forbidden": the Content Manager's answer.
    if (checker.cannot.read(entry)) throw new errors.ForbiddenError('You may not read this entry');
    return entry;
  };

  /**
   * A relation a variant overrides is fetched whole by the overrides stage; the edit view shows
   * relations as counts (their targets are read through its own permission-checked routes), so
   * the preview does too.
   */
  const relationsAsCounts = (rendered: Record<string, unknown>, schema: SchemaLike, variant: Variant | null) => {
    for (const name of Object.keys(variant?.overrides ?? {})) {
      const value = rendered[name];
      if (schema.attributes[name]?.type !== 'relation' || value === undefined) continue;
      if (value !== null && typeof value === 'object' && 'count' in value) continue;
      rendered[name] = { count: Array.isArray(value) ? value.length : value === null ? 0 : 1 };
    }
    return rendered;
  };

  /** The variants to test: those sent (checked as a save would check them), else the entry's. */
  const variantsToTest = (body: EvaluateBody, schema: SchemaLike | undefined, fieldName: string | null, entry: Entry | null): Variant[] => {
    const raw = body.variants !== undefined ? { variants: body.variants } : entry && fieldName ? entry[fieldName] : null;
    if (raw === null || raw === undefined) return [];
    if (schema && fieldName) {
      const { limits } = ports.settings.get();
      const contentTypes = ports.contentTypes;
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
      const problem = variant.condition === undefined || variant.condition === null ? null : conditionProblem(variant.condition);
      if (problem) {
        const path = ['variants', index, 'condition', ...problem.path];
        throw new errors.ValidationError(`Invalid variants: Variant "${variant.name}" at ${path.join('.')}: ${problem.message}`, {
          errors: [{ path, message: problem.message, name: 'ValidationError' }],
        });
      }
    });
    return parsed.variants;
  };

  /** The panel's view of one variant: the selection stage's verdict, explained. */
  const outcomeOf = (candidate: CompiledVariant, data: unknown): VariantOutcome => {
    const { variant } = candidate;
    const base = { id: variant.id, name: variant.name, enabled: variant.enabled };
    const { matched, error } = matchVariant(candidate, data);
    if (matched === null) return { ...base, matched: null, reason: [] };
    if (!candidate.evaluator && !error) return { ...base, matched: true, reason: [{ rule: 'always', result: true }] };
    if (candidate.compileError) return { ...base, matched: false, error: candidate.compileError, reason: [] };
    const outcome = explainOf(variant.condition, data);
    return { ...base, ...outcome, matched: Boolean(matched), ...(error ? { error } : {}) };
  };

  return {
    evaluateCondition,

    /**
     * Variant selection for an entry (its current draft unless told otherwise) or for variants
     * sent inline, as delivery would make it for the sample signals and visitor id; with
     * `variant`, that variant is forced (the preview action). `ability` is the editor's.
     */
    async evaluateVariants(body: EvaluateBody, ability: Ability): Promise<VariantsEvaluation> {
      const experimentsOf = (meta: Choice['experiments']): NonNullable<VariantsEvaluation['experiments']> => {
        const named: NonNullable<VariantsEvaluation['experiments']> = {};
        const live = ports.experiments;
        for (const [key, entry] of Object.entries(meta ?? {})) named[key] = { ...entry, name: live.running(key)?.name ?? key };
        return named;
      };
      const contentTypes = ports.contentTypes;
      let schema: SchemaLike | undefined;
      let fieldName: string | null = null;
      let entry: Entry | null = null;
      let checker: PermissionChecker | null = null;
      if (body.uid) {
        schema = contentTypes.getSchema(body.uid);
        fieldName = contentTypes.getVariantsFieldName(body.uid);
        if (!schema || !fieldName) throw new errors.NotFoundError(`"${body.uid}" is not a content type with a variants field`);
        checker = permissionChecker(ability, body.uid);
        if (checker.cannot.read()) throw new errors.ForbiddenError(`You may not read ${body.uid} entries`);
        if (body.documentId || schema.kind === 'singleType' || body.variants === undefined) {
          entry = await loadEntry(body, schema, checker);
          // The entry's own variants are a field like any other: the edit view would not show them.
          if (body.variants === undefined && checker.cannot.read(entry, fieldName)) {
            throw new errors.ForbiddenError(`You may not read the "${fieldName}" field of this entry`);
          }
        }
      }

      const program = conditions().compileVariants(variantsToTest(body, schema, fieldName, entry));
      const target = { uid: body.uid ?? '', documentId: entry?.documentId ?? body.documentId ?? '' };
      // With a visitor id, that visitor's stored profile and caps, as delivery would use them
      // (profile.* the editor typed in the sample win over the stored ones).
      const state = body.visitorId !== undefined ? await loadVisitor(ports.visitors, body.visitorId, { gpc: false }) : undefined;
      const samples = samplesOf(body);
      const stored = withProfile(ports.visitors, samples, state).profile;
      const context = evaluationContext({ ...samples, ...(stored ? { profile: { ...stored, ...samples.profile } } : {}) }, target, body.visitorId);
      const settings = ports.settings.get();
      const forced = Boolean(body.variant);
      // Stage 2 exactly as delivery runs it; experiments take part only for an entry (inline variants have no target).
      const selection = chooseVariant(
        {
          experiments: target.uid && target.documentId ? ports.experiments : NO_EXPERIMENTS,
          explainMatch: conditions().explainMatch,
          onConditionError: () => undefined,
          maxPersonalizedPerSession: () => settings.caps.maxPersonalizedPerSession,
        },
        {
          program,
          target,
          context,
          visitorId: body.visitorId,
          state,
          ...(body.variant ? { fixed: { variantId: body.variant, includeDisabled: true, withExperiments: true } } : {}),
        }
      );
      // Each variant explained against exactly the data the choice used (the experiments' arms included).
      const capped = capsRule(state, target);
      const outcomes = program.map((candidate) => {
        const outcome = outcomeOf(candidate, selection.data);
        const cap = outcome.matched ? capped(candidate.variant) : null;
        return cap ? { ...outcome, capped: cap } : outcome;
      });
      if (selection.fixedMissing) {
        throw new errors.NotFoundError(`No variant "${body.variant}" in this entry`, {
          errors: [{ path: ['variant'], message: 'unknown variant', name: 'NotFoundError' }],
        });
      }
      const winner = selection.variant;
      const result: VariantsEvaluation = {
        variant: winner?.id ?? null,
        forced,
        // Delivery's reason; a forced variant says why it would match, not that it was forced.
        reason: forced
          ? [...visitorReasons(state), ...(winner ? (outcomes.find((outcome) => outcome.id === winner.id)?.reason ?? []) : [])]
          : selection.reason,
        variants: outcomes,
        ...(state ? { visitor: { found: state.profile !== null, consent: state.consent, unavailable: state.unavailable } } : {}),
        ...(target.uid && target.documentId ? { experiments: experimentsOf(selection.experiments) } : {}),
      };

      if (entry && schema && fieldName && checker) {
        const sanitizer = checker;
        const entrySchema = schema;
        result.entry = await ports.overrides.render(entry, winner, {
          schema,
          fieldName,
          requestedFields: null,
          sanitize: (rendered) => sanitizer.sanitizeOutput(relationsAsCounts(rendered, entrySchema, winner)),
        });
        result.previewUrl = buildPreviewUrl(ports.settings.get().previewUrl, {
          uid: schema.uid,
          documentId: entry.documentId,
          locale: entry.locale ?? null,
          variant: winner?.id ?? null,
        });
      }
      return result;
    },
  };
};

export type PreviewService = ReturnType<typeof createPreviewService>;
export default createPreviewService;
