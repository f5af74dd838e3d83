import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import type { ContextualFreezeInput, ContextualFreezeResponse, ContextualFrozenLeaf, ExperimentTarget } from '../../../contracts/src/experiments';
import type { Variant } from '../../../contracts/src/variants/schema';
import { getService } from '../platform/services';
import { bestArmOf, modelInForce, type ContextualExperiment } from './contextual';
import { EXPERIMENT_UID } from './model';
import { permissionCheckerFor, publishedStateOf } from './ship';

/**
 * Freezing a contextual experiment's leaf (docs/experiments.md, "Contextual bandits", Freeze): an ordinary
 * variant of the target entry, placed above the experiment's variants, whose condition is the leaf's rule and
 * whose overrides are the leaf's best arm's (its first variant's; the control arm's none: the entry as
 * published). Delivery takes the visitors it matches out of the experiment; deleting the variant undoes it.
 */

export type FreezeExperiment = ContextualExperiment & { documentId: string; name: string; target?: ExperimentTarget | null };

export type FreezeOutcome =
  | { refused: { reason: 'not-contextual' | 'site-wide' | 'stale-model' | 'already-frozen' | 'entry-missing' | 'entry-modified'; message: string; details?: Record<string, unknown> } }
  | { frozen: ContextualFreezeResponse['data'] };

type Entry = Record<string, unknown> & { documentId: string; updatedAt?: string | Date | null; locale?: string | null };

/** A PolicyError, as the routes' permission checks answer. */
const forbidden = (message: string) => new errors.PolicyError(message, { errors: [{ path: [], message, name: 'PolicyError' }] });

/** A variant id from the experiment key and the leaf id, within the id pattern's 64 characters. */
const frozenVariantId = (key: string, leafId: string) => `${key.slice(0, 40)}-${leafId}`.slice(0, 64);

export const freezeLeaf = async (
  strapi: Core.Strapi,
  experiment: FreezeExperiment,
  input: ContextualFreezeInput,
  admin: { ability: unknown; userId?: number | string }
): Promise<FreezeOutcome> => {
  const { userId } = admin;
  if (experiment.mode !== 'contextual') {
    return { refused: { reason: 'not-contextual', message: `Experiment "${experiment.key}" is not a contextual bandit` } };
  }
  const { target } = experiment;
  if (!target) {
    return {
      refused: {
        reason: 'site-wide',
        message: `Experiment "${experiment.key}" is site-wide: there is no entry to write the leaf's variant on`,
      },
    };
  }
  const model = modelInForce(experiment);
  if (!model || model.version !== input.modelVersion) {
    return {
      refused: {
        reason: 'stale-model',
        message: `Model version "${input.modelVersion}" is not the one in force${model ? ` ("${model.version}")` : ''}: reload the results`,
        details: { modelVersion: model?.version ?? null },
      },
    };
  }
  const leaf = model.leaves.find((candidate) => candidate.id === input.leafId);
  if (!leaf) {
    throw new errors.ValidationError(`Invalid freeze request at leafId: model "${model.version}" has no leaf "${input.leafId}"`, {
      errors: [{ path: ['leafId'], message: `must be one of ${model.leaves.map((one) => `"${one.id}"`).join(', ')}`, name: 'ValidationError' }],
    });
  }

  const types = getService(strapi, 'content-types');
  const schema = types.getSchema(target.uid);
  const fieldName = schema ? types.getVariantsFieldName(target.uid) : null;
  const locale = target.locale ?? undefined;
  const where = locale ? { locale } : {};
  const draft = fieldName
    ? // Every field (its locale too): the permission checker reads the entry as the Content Manager does.
      ((await types.findEntry(target.uid, target.documentId, { ...where, status: 'draft' })) as Entry | null)
    : null;
  if (!schema || !fieldName || !draft) {
    return { refused: { reason: 'entry-missing', message: 'The target entry no longer exists or has no variants field', details: { target } } };
  }
  // As shipping: the freeze edits (and publishes) the entry, so the admin needs the Content Manager's rights on it.
  const checker = permissionCheckerFor(strapi, admin.ability, target.uid);
  if (checker.cannot.update(draft, fieldName)) throw forbidden(`Freezing a leaf edits the target entry: it needs the Content Manager's update permission on ${target.uid}`);
  const value = (draft[fieldName] ?? null) as ({ variants?: Variant[] } & Record<string, unknown>) | null;
  const variants = Array.isArray(value?.variants) ? value.variants : [];
  const existing = new Set(variants.map((variant) => variant.id));
  const already = (experiment.contextualFrozen ?? []).find((frozen) => frozen.leafId === leaf.id && existing.has(frozen.variantId));
  if (already) {
    return {
      refused: {
        reason: 'already-frozen',
        message: `Leaf "${leaf.id}" is already frozen as variant "${already.variantId}": delete that variant to undo it`,
        details: { variantId: already.variantId },
      },
    };
  }
  const { published, modified } = await publishedStateOf(strapi, schema, target, where, draft);
  if (modified) {
    return {
      refused: {
        reason: 'entry-modified',
        message: 'The target entry has unpublished changes: freezing publishes the entry, and would release them too. Publish or discard them first.',
        details: { target },
      },
    };
  }

  if (published && checker.cannot.publish(draft)) {
    throw forbidden(`Freezing a leaf publishes the target entry: you may not publish this ${target.uid} entry`);
  }

  const arm = experiment.arms[bestArmOf(leaf)];
  const served = (arm.variants ?? []).map((id) => variants.find((variant) => variant.id === id)).find((variant) => variant !== undefined);
  let variantId = frozenVariantId(experiment.key, leaf.id);
  for (let suffix = 2; existing.has(variantId); suffix++) variantId = `${frozenVariantId(experiment.key, leaf.id).slice(0, 60)}-${suffix}`;
  const variant: Variant = {
    id: variantId,
    name: `${experiment.name}: ${leaf.id}`.slice(0, 120),
    enabled: true,
    condition: leaf.condition,
    overrides: served ? { ...served.overrides } : {},
  };
  // Above the experiment's variants: before the first one an arm serves.
  const armVariants = new Set(experiment.arms.flatMap((one) => one.variants ?? []));
  const firstArmVariant = variants.findIndex((one) => armVariants.has(one.id));
  const position = firstArmVariant < 0 ? 0 : firstArmVariant;
  const next = [...variants.slice(0, position), variant, ...variants.slice(position)];

  const documents = strapi.documents(target.uid as never);
  await documents.update({
    documentId: draft.documentId,
    ...where,
    data: { [fieldName]: { ...(value ?? {}), variants: next }, ...(userId !== undefined ? { updatedBy: userId } : {}) },
  } as never);
  if (published) await documents.publish({ documentId: draft.documentId, ...where } as never);

  const record: ContextualFrozenLeaf = { leafId: leaf.id, modelVersion: model.version, variantId, at: new Date().toISOString() };
  const kept = (experiment.contextualFrozen ?? []).filter((frozen) => existing.has(frozen.variantId));
  await strapi.documents(EXPERIMENT_UID as never).update({
    documentId: experiment.documentId,
    data: { contextualFrozen: [...kept, record] },
  } as never);
  return {
    frozen: {
      variantId,
      entry: { uid: target.uid, documentId: draft.documentId, ...(locale ? { locale } : {}) },
      leafId: leaf.id,
    },
  };
};
