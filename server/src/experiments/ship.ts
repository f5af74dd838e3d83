import type { Core } from '@strapi/strapi';
import { contentTypes as strapiContentTypes, errors } from '@strapi/utils';

import { shipPlan, type ShipRefusal, type ShipResult, type ShippableVariant } from '../../../contracts/src/experiment-ship';
import type { ExperimentMode, ExperimentStatus, ExperimentTarget } from '../../../contracts/src/experiments';
import { getService } from '../platform/services';
import { TRANSITIONS } from './model';

/**
 * Shipping an arm's variants to the experiment's target entry (docs/experiments.md, "Shipping the winner"),
 * before the controller stops the experiment. Everything that could refuse is checked before the first
 * write: the experiment targets an entry and may still stop, the entry exists and has no unpublished
 * changes, and the admin may edit (and publish) it in the Content Manager.
 */

/** The part of the Content Manager's permission checker (`permission-checker` service) used here. */
interface PermissionChecker {
  cannot: { update(entity?: object, field?: string): boolean; publish(entity?: object): boolean };
  sanitizedQuery: { update(query: Record<string, unknown>): Promise<Record<string, unknown>> };
}

interface PopulateBuilder {
  populateFromQuery(query: Record<string, unknown>): PopulateBuilder;
  build(): Promise<unknown>;
}

export interface ShipExperiment {
  key: string;
  status: ExperimentStatus;
  mode?: ExperimentMode;
  target?: ExperimentTarget | null;
  arms: readonly { key: string; variants?: readonly string[] | null }[];
}

export type ShipOutcome =
  | { refused: { reason: ShipRefusal; message: string; details?: Record<string, unknown> } }
  | { shipped: Omit<ShipResult, 'experiment'> };

type Entry = Record<string, unknown> & { documentId: string; updatedAt?: string | Date | null };

const time = (value: string | Date | null | undefined) => (value ? new Date(value).getTime() : 0);

/** A PolicyError, as the routes' permission checks answer (Strapi hides the message of a handler's ForbiddenError). */
const forbidden = (message: string) => new errors.PolicyError(message, { errors: [{ path: [], message, name: 'PolicyError' }] });

/** The Content Manager's permission checker of an admin on a content type (as its own update route uses it). */
export const permissionCheckerFor = (strapi: Core.Strapi, ability: unknown, uid: string): PermissionChecker =>
  strapi.plugin('content-manager').service('permission-checker').create({ userAbility: ability, model: uid });

/**
 * The published version of a draft-and-publish entry (null for an entry of a type without drafts, or never
 * published), and whether its draft was saved after the last publish (the Content Manager's "Modified"):
 * publishing then would release those changes too.
 */
export const publishedStateOf = async (
  strapi: Core.Strapi,
  schema: unknown,
  target: { uid: string; documentId: string },
  where: { locale?: string },
  draft: { updatedAt?: string | Date | null }
): Promise<{ draftAndPublish: boolean; published: Entry | null; modified: boolean }> => {
  const draftAndPublish = strapiContentTypes.hasDraftAndPublish(schema as never);
  const published = draftAndPublish
    ? ((await getService(strapi, 'content-types').findEntry(target.uid, target.documentId, {
        ...where,
        status: 'published',
        fields: ['updatedAt'],
      })) as Entry | null)
    : null;
  return { draftAndPublish, published, modified: published !== null && time(draft.updatedAt) > time(published.updatedAt) };
};

export const createShipper = (strapi: Core.Strapi) => {
  const contentTypes = () => getService(strapi, 'content-types');

  const checkerFor = (ability: unknown, uid: string): PermissionChecker => permissionCheckerFor(strapi, ability, uid);

  /**
   * Applies the plan to the target entry's draft and publishes it again when it was published. Refuses
   * (409) an experiment without a target, one that cannot stop, a target that is gone, and an entry
   * whose draft has unpublished changes (publishing would release them with the ship).
   */
  return async (experiment: ShipExperiment, arm: string, admin: { ability: unknown; userId?: number | string }): Promise<ShipOutcome> => {
    const noArm = () =>
      new errors.ValidationError(`Invalid ship request at arm: experiment "${experiment.key}" has no arm "${arm}"`, {
        errors: [{ path: ['arm'], message: `must be one of ${experiment.arms.map((one) => `"${one.key}"`).join(', ')}`, name: 'ValidationError' }],
      });
    if (!experiment.arms.some((one) => one.key === arm)) throw noArm();
    const { target } = experiment;
    if (!target) {
      return {
        refused: {
          reason: 'site-wide',
          message: `Experiment "${experiment.key}" is site-wide: its arms are names that variant conditions of any entry test, so there is no entry to ship to. Stop it, then edit the variants that reference it.`,
        },
      };
    }
    if (experiment.mode === 'multivariate') {
      // A cell serves each factor's variant merged with the others' only while the experiment runs: first-match
      // delivery cannot serve that merge, so there is no arm's variant list to make the entry's.
      return {
        refused: {
          reason: 'multivariate',
          message: `Experiment "${experiment.key}" is a multivariate test: cell "${arm}" merges one variant of each factor while the experiment runs, which the entry's variants alone cannot serve. Roll it out by editing the entry (its content, or one variant with the merged overrides), then stop the experiment.`,
          details: { arm },
        },
      };
    }
    if (!TRANSITIONS[experiment.status].includes('stopped')) {
      const reason: ShipRefusal = experiment.status === 'stopped' ? 'stopped' : 'not-started';
      return {
        refused: {
          reason,
          message:
            reason === 'stopped'
              ? `Experiment "${experiment.key}" is stopped (a stopped experiment is final): edit the entry's variants to roll an arm out`
              : `Experiment "${experiment.key}" has not started: there is no result to ship`,
          details: { status: experiment.status },
        },
      };
    }

    const types = contentTypes();
    const schema = types.getSchema(target.uid);
    const fieldName = schema ? types.getVariantsFieldName(target.uid) : null;
    const locale = target.locale ?? undefined;
    const where = { ...(locale ? { locale } : {}) };
    const missing = (): ShipOutcome => ({
      refused: {
        reason: 'entry-missing',
        message: `The target entry (${target.uid} "${target.documentId}"${locale ? `, locale "${locale}"` : ''}) no longer exists or has no variants field`,
        details: { target },
      },
    });
    if (!schema || !fieldName) return missing();

    // As the Content Manager's update does: may this admin edit this entry's variants (and publish it)?
    const checker = checkerFor(admin.ability, target.uid);
    if (checker.cannot.update()) throw forbidden(`Shipping edits the target entry: it needs the Content Manager's update permission on ${target.uid}`);
    const permissionQuery = await checker.sanitizedQuery.update({});
    const builder = strapi.plugin('content-manager').service('populate-builder') as (uid: string) => PopulateBuilder;
    const populate = await builder(target.uid).populateFromQuery(permissionQuery).build();
    const draft = (await types.findEntry(target.uid, target.documentId, { ...where, status: 'draft', populate })) as Entry | null;
    if (!draft) return missing();

    const { draftAndPublish, published, modified } = await publishedStateOf(strapi, schema, target, where, draft);
    if (modified) {
      return {
        refused: {
          reason: 'entry-modified',
          message:
            'The target entry has unpublished changes: shipping publishes the entry, and would release them too. Publish or discard them in the Content Manager, then ship.',
          details: { target },
        },
      };
    }
    if (checker.cannot.update(draft, fieldName)) throw forbidden(`You may not edit the variants of this ${target.uid} entry`);
    if (published && checker.cannot.publish(draft)) throw forbidden(`Shipping publishes the target entry: you may not publish this ${target.uid} entry`);

    const value = (draft[fieldName] ?? null) as ({ variants?: ShippableVariant[] } & Record<string, unknown>) | null;
    const before = Array.isArray(value?.variants) ? value.variants : [];
    const plan = shipPlan(before, experiment.arms, arm);
    if (!plan) throw noArm();

    const state = (variants: readonly ShippableVariant[]) => variants.map((variant) => ({ id: variant.id, enabled: variant.enabled !== false }));
    const changed = JSON.stringify(state(before)) !== JSON.stringify(state(plan.variants));
    if (changed) {
      const documents = strapi.documents(target.uid as never);
      // Through the document service, so the variants' validation and the caches' invalidation run as for any save.
      await documents.update({
        documentId: draft.documentId,
        ...where,
        data: { [fieldName]: { ...(value ?? {}), variants: plan.variants }, ...(admin.userId !== undefined ? { updatedBy: admin.userId } : {}) },
      } as never);
      if (published) await documents.publish({ documentId: draft.documentId, ...where } as never);
    }
    return {
      shipped: {
        arm,
        entry: {
          uid: target.uid,
          documentId: draft.documentId,
          locale: (draft.locale as string | undefined) ?? locale ?? null,
          published: published !== null || !draftAndPublish,
          changed,
          variants: state(plan.variants),
        },
        first: plan.first,
        disabled: plan.disabled,
        keptDisabled: plan.keptDisabled,
        missing: plan.missing,
      },
    };
  };
};
