import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import {
  contextualFreezeSchema,
  experimentInputSchema,
  experimentUpdateSchema,
  type ExperimentResults,
  type ExperimentStatus,
} from '../../../contracts/src/experiments';
import { EXPERIMENT_FIELDS, EXPERIMENT_UID, SERVER_FIELDS, TRANSITIONS } from './model';
import { cellsOf, contextualCountersOf } from '../storage/experiment-counts';
import { contextualResults, contextualSrm } from './contextual';
import { freezeLeaf, type FreezeExperiment } from './freeze';
import { buildResults, type ResultsExperiment } from './results';
import type { BanditService } from './bandit';
import { parseOrThrow, sendError, sendUnavailable } from '../utils/errors';
import { shipBodySchema, type ShipResult } from '../../../contracts/src/experiment-ship';
import { createShipper, type ShipExperiment } from './ship';
import { getService } from '../platform/services';
import { StoreUnavailableError } from '../storage/store';


const FIELDS = ['documentId', ...EXPERIMENT_FIELDS, ...SERVER_FIELDS, 'createdAt', 'updatedAt'];

/** What each lifecycle route moves an experiment to, and from where. */
const LIFECYCLE: Record<'start' | 'pause' | 'stop', ExperimentStatus> = { start: 'running', pause: 'paused', stop: 'stopped' };

type Stored = Record<string, unknown> & { documentId: string; key: string; status: ExperimentStatus };

/** Stored nulls of optional fields are left out, as the contract's `Experiment` has them. */
const present = (experiment: Record<string, unknown>) => {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(experiment)) {
    if (value === null && field !== 'startedAt' && field !== 'stoppedAt') continue;
    out[field] = value;
  }
  return out;
};

/**
 * Admin CRUD and lifecycle of experiments. Bodies are checked against the contract here (paths of
 * the body); the whole experiment (merged with what is stored) is checked by the document
 * middleware on every write, wherever it comes from.
 */
const createExperimentsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const documents = () => strapi.documents(EXPERIMENT_UID as never);

  const findOrThrow = async (documentId: string): Promise<Stored> => {
    const experiment = await documents().findOne({ documentId, fields: FIELDS } as never);
    if (!experiment) throw new errors.NotFoundError('Experiment not found');
    return experiment as unknown as Stored;
  };

  /** The target entry's variant ids (draft and published), to tell which frozen leaves still have their variant. */
  const targetVariantIds = async (target: { uid: string; documentId: string; locale?: string | null } | null | undefined) => {
    const ids = new Set<string>();
    if (!target) return ids;
    const contentTypes = getService(strapi, 'content-types');
    const fieldName = contentTypes.getSchema(target.uid) ? contentTypes.getVariantsFieldName(target.uid) : null;
    if (!fieldName) return ids;
    for (const status of ['draft', 'published'] as const) {
      const entry = await contentTypes.findEntry(target.uid, target.documentId, { status, ...(target.locale ? { locale: target.locale } : {}), fields: [fieldName] });
      const value = entry?.[fieldName] as { variants?: { id?: unknown }[] } | null | undefined;
      for (const variant of value?.variants ?? []) if (typeof variant?.id === 'string') ids.add(variant.id);
    }
    return ids;
  };

  const body = (ctx: Context) => (ctx.request as { body?: unknown }).body ?? {};

  const conflict = (ctx: Context, message: string, details: Record<string, unknown>) =>
    sendError(ctx, { status: 409, name: 'ConflictError', message, details });

  /** Another running or paused experiment on the same entry: a visitor cannot be in both. */
  const sameTarget = async (experiment: Stored) => {
    const target = experiment.target as { uid: string; documentId: string } | null;
    if (!target) return null;
    const others = (await documents().findMany({
      filters: { status: { $in: ['running', 'paused'] }, documentId: { $ne: experiment.documentId } },
      fields: ['key', 'target'],
      limit: -1,
    } as never)) as unknown as { key: string; target: { uid: string; documentId: string } | null }[];
    return others.find((other) => other.target?.uid === target.uid && other.target?.documentId === target.documentId) ?? null;
  };

  /** Moves the experiment as `route` says and returns it, or answers the 409 that says why not (and returns null). */
  const transition = async (ctx: Context, experiment: Stored, route: keyof typeof LIFECYCLE) => {
    const to = LIFECYCLE[route];
    if (!TRANSITIONS[experiment.status].includes(to)) {
      const allowed = (Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[]).filter((name) =>
        TRANSITIONS[experiment.status].includes(LIFECYCLE[name])
      );
      conflict(
        ctx,
        `Cannot ${route} experiment "${experiment.key}": it is ${experiment.status}${
          allowed.length > 0 ? ` (it can ${allowed.join(' or ')})` : ' (a stopped experiment is final)'
        }`,
        { status: experiment.status, allowed }
      );
      return null;
    }
    if (to === 'running') {
      const other = await sameTarget(experiment);
      if (other) {
        conflict(ctx, `Cannot start experiment "${experiment.key}": experiment "${other.key}" already runs on this entry`, {
          experiment: other.key,
        });
        return null;
      }
    }
    const updated = await documents().update({ documentId: experiment.documentId, data: { status: to }, fields: FIELDS } as never);
    return present(updated as unknown as Record<string, unknown>);
  };

  const lifecycle = (route: keyof typeof LIFECYCLE) => async (ctx: Context) => {
    const updated = await transition(ctx, await findOrThrow(ctx.params.documentId), route);
    if (updated) ctx.body = { data: updated };
  };

  const ship = createShipper(strapi);

  return {
    async find(ctx: Context) {
      const experiments = await documents().findMany({ fields: FIELDS, sort: 'name:asc' } as never);
      ctx.body = { data: (experiments as unknown as Record<string, unknown>[]).map(present) };
    },

    async findOne(ctx: Context) {
      ctx.body = { data: present(await findOrThrow(ctx.params.documentId)) };
    },

    async create(ctx: Context) {
      const data = parseOrThrow(experimentInputSchema, body(ctx), 'Invalid experiment');
      const created = await documents().create({ data, fields: FIELDS } as never);
      ctx.status = 201;
      ctx.body = { data: present(created as unknown as Record<string, unknown>) };
    },

    async update(ctx: Context) {
      const data = parseOrThrow(experimentUpdateSchema, body(ctx), 'Invalid experiment');
      await findOrThrow(ctx.params.documentId);
      const updated = await documents().update({ documentId: ctx.params.documentId, data, fields: FIELDS } as never);
      ctx.body = { data: present(updated as unknown as Record<string, unknown>) };
    },

    async delete(ctx: Context) {
      const experiment = await findOrThrow(ctx.params.documentId);
      await documents().delete({ documentId: ctx.params.documentId } as never);
      ctx.body = { data: present(experiment) };
    },

    /** `GET /personalize/experiments/:documentId/results`: the counts read now, with their statistics. */
    async results(ctx: Context) {
      const experiment = await findOrThrow(ctx.params.documentId);
      const counters = await getService(strapi, 'visitors').experimentCounters(experiment.key);
      if ('unavailable' in counters) return sendUnavailable(ctx);
      const { experiments } = getService(strapi, 'settings').get();
      const next = getService(strapi, 'bandit').nextUpdateAt(experiment as unknown as Parameters<BanditService['nextUpdateAt']>[0]);
      const data: ExperimentResults = buildResults({
        experiment: experiment as unknown as ResultsExperiment,
        cells: cellsOf(counters),
        options: { alpha: experiments.alpha, sequentialNStar: experiments.sequentialNStar, srmThreshold: experiments.srmThreshold },
        now: Date.now(),
        nextBanditUpdateAt: next === null ? null : new Date(next).toISOString(),
      });
      if (experiment.mode === 'contextual') {
        const contextual = experiment as unknown as FreezeExperiment;
        const counts = contextualCountersOf(counters);
        data.srm = contextualSrm(contextual, counts, experiments.srmThreshold);
        const results = contextualResults(contextual, counts, experiments.srmThreshold, await targetVariantIds(contextual.target));
        if (results) data.contextual = results;
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { data };
    },

    /**
     * `POST /personalize/experiments/:documentId/reconcile`: the experiment's counts rebuilt from its
     * per-unit facts (every store), with what was repaired; run twice, the second repairs nothing
     * (docs/experiments.md, "Counting"). 503 with Retry-After when the store cannot be reached.
     */
    async reconcile(ctx: Context) {
      const experiment = await findOrThrow(ctx.params.documentId);
      const report = await getService(strapi, 'visitors').reconcileCounters(experiment.key);
      if ('unavailable' in report) return sendUnavailable(ctx);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { data: { key: experiment.key, ...report } };
    },

    /** `POST /personalize/experiments/:documentId/bandit/update`: a bandit update now, under the same rules. */
    async banditUpdate(ctx: Context) {
      // The counts store unreachable (Redis down, a master failing over): 503 with Retry-After.
      const result = await getService(strapi, 'bandit')
        .update(ctx.params.documentId)
        .catch((error: unknown) => {
          if (error instanceof StoreUnavailableError) return 'unavailable' as const;
          throw error;
        });
      if (result === 'unavailable') return sendUnavailable(ctx);
      if (!result) throw new errors.NotFoundError('Experiment not found');
      ctx.body = { data: result };
    },

    /**
     * `POST /personalize/experiments/:documentId/ship` with `{ arm }`: the arm's variants become the target
     * entry's served variants (saved, and published again when the entry was published), then the
     * experiment stops. A 409 says why when it cannot (site-wide, not running or paused, entry gone or
     * with unpublished changes).
     */
    async ship(ctx: Context) {
      const { arm } = parseOrThrow(shipBodySchema, body(ctx), 'Invalid ship request');
      const experiment = await findOrThrow(ctx.params.documentId);
      const state = ctx.state as { userAbility?: unknown; user?: { id?: number | string } };
      const outcome = await ship(experiment as unknown as ShipExperiment, arm, { ability: state.userAbility, userId: state.user?.id });
      if ('refused' in outcome) {
        const { reason, message, details } = outcome.refused;
        return conflict(ctx, `Cannot ship arm "${arm}" of experiment "${experiment.key}": ${message}`, { reason, ...details });
      }
      const stopped = await transition(ctx, experiment, 'stop');
      if (!stopped) return;
      const data: ShipResult = { experiment: stopped as unknown as ShipResult['experiment'], ...outcome.shipped };
      ctx.body = { data };
    },

    /**
     * `POST /personalize/experiments/:documentId/contextual/freeze` with `{ leafId, modelVersion }`: the leaf
     * becomes an ordinary variant of the target entry above the experiment's (docs/experiments.md, "Contextual
     * bandits"). 409 when the model version is not the one in force, the leaf is already frozen, the experiment
     * is site-wide or not contextual, or the entry is gone or has unpublished changes.
     */
    async contextualFreeze(ctx: Context) {
      const input = parseOrThrow(contextualFreezeSchema, body(ctx), 'Invalid freeze request');
      const experiment = (await findOrThrow(ctx.params.documentId)) as unknown as FreezeExperiment;
      const state = ctx.state as { userAbility?: unknown; user?: { id?: number | string } };
      const outcome = await freezeLeaf(strapi, experiment, input, { ability: state.userAbility, userId: state.user?.id });
      if ('refused' in outcome) {
        const { reason, message, details } = outcome.refused;
        return conflict(ctx, `Cannot freeze leaf "${input.leafId}" of experiment "${experiment.key}": ${message}`, { reason, ...details });
      }
      ctx.body = { data: outcome.frozen };
    },

    start: lifecycle('start'),
    pause: lifecycle('pause'),
    stop: lifecycle('stop'),
  };
};

export default createExperimentsController;
