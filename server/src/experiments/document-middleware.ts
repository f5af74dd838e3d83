import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import {
  experimentInputSchema,
  factorialArms,
  factorsSchema,
  unknownArmVariants,
  type ExperimentData,
  type ExperimentStatus,
} from '../../../contracts/src/experiments';
import { SIGNAL_NAMESPACES, unknownSignals } from '../../../contracts/src/signals/check';
import { initialModel } from './contextual';
import { checkNamespace } from './namespaces';
import { canTransition, EXPERIMENT_FIELDS, EXPERIMENT_UID, SERVER_FIELDS } from './model';
import { getService } from '../platform/services';
import { parseOrThrow } from '../utils/errors';

type DocumentMiddleware = Parameters<Core.Strapi['documents']['use']>[0];

type Stored = Partial<Record<(typeof EXPERIMENT_FIELDS)[number] | (typeof SERVER_FIELDS)[number] | 'documentId', unknown>>;

interface ExperimentParams {
  documentId?: string;
  data?: Record<string, unknown>;
}

const fail = (path: (string | number)[], message: string): never => {
  throw new errors.ValidationError(`Invalid experiment at ${path.join('.')}: ${message}`, {
    errors: [{ path, message, name: 'ValidationError' }],
  });
};

/** The contract's fields of a stored or sent experiment; nulls of optional fields read as absent. */
const pick = (source: Record<string, unknown>) => {
  const picked: Record<string, unknown> = {};
  for (const field of EXPERIMENT_FIELDS) {
    if (field in source && source[field] !== null && source[field] !== undefined) picked[field] = source[field];
  }
  return picked;
};

/**
 * Every write of an experiment is checked whole (the stored one merged with the change) before it
 * is written: the zod contract, the target entry and its variant ids, the eligibility condition,
 * key uniqueness and the status transition. `startedAt`/`stoppedAt` follow the status.
 */
export const experimentsMiddleware =
  (strapi: Core.Strapi): DocumentMiddleware =>
  async (context, next) => {
    if (context.uid !== EXPERIMENT_UID) return next();
    const params = context.params as ExperimentParams;
    if (context.action === 'create' || context.action === 'update') {
      params.data = await validateExperimentWrite(strapi, context.action, params);
    }
    const deleted =
      context.action === 'delete' && params.documentId
        ? ((await strapi.documents(EXPERIMENT_UID as never).findOne({ documentId: params.documentId, fields: ['key'] } as never)) as {
            key: string;
          } | null)
        : null;
    const result = await next();
    if (context.action !== 'create' && context.action !== 'update' && context.action !== 'delete') return result;
    // After the write commits: every instance serves the experiments as they are now.
    await experimentsWritten(strapi, deleted?.key);
    return result;
  };

/**
 * After a write of experiments commits (here, or the bandit's compare-and-set that bypasses the
 * documents API): this instance reloads them and every other hears it over the bus; a deleted
 * experiment's counters go. Never throws.
 */
export const experimentsWritten = async (strapi: Core.Strapi, deletedKey?: string) => {
  try {
    await getService(strapi, 'experiments').reload();
    await getService(strapi, 'cache').announceExperimentsChanged();
    if (deletedKey) await getService(strapi, 'visitors').store().dropCounters(deletedKey);
  } catch (error) {
    strapi.log.warn(`[personalize] experiments reload failed: ${(error as Error).message}`);
  }
};

export const validateExperimentWrite = async (
  strapi: Core.Strapi,
  action: 'create' | 'update',
  params: ExperimentParams
): Promise<Record<string, unknown>> => {
  const data = params.data ?? {};
  const previous =
    action === 'update' && params.documentId
      ? ((await strapi.documents(EXPERIMENT_UID as never).findOne({ documentId: params.documentId } as never)) as Stored | null)
      : null;

  const unknownField = Object.keys(data).find(
    (field) => !(EXPERIMENT_FIELDS as readonly string[]).includes(field) && !(SERVER_FIELDS as readonly string[]).includes(field)
  );
  if (unknownField) fail([unknownField], 'is not a field of an experiment');

  // Fields sent as null are cleared; the contract's nullables accept absence alike.
  const merged = { ...pick((previous ?? {}) as Record<string, unknown>), ...pick(data) };
  for (const [field, value] of Object.entries(data)) if (value === null) delete merged[field];
  // A multivariate experiment's arms are the cells of its factors (docs/experiments.md, "Multivariate"): the server
  // writes them; a body that sends arms must send exactly those (the contract says so at `arms`).
  if (merged.mode === 'multivariate' && Array.isArray(merged.factors) && !('arms' in data && data.arms !== null)) {
    const factors = factorsSchema.safeParse(merged.factors);
    if (factors.success) merged.arms = factorialArms(factors.data);
  }
  const experiment: ExperimentData = parseOrThrow(experimentInputSchema, merged, 'Invalid experiment');

  const clash = (await strapi
    .documents(EXPERIMENT_UID as never)
    .findFirst({ filters: { key: experiment.key }, fields: ['documentId'] } as never)) as { documentId: string } | null;
  if (clash && clash.documentId !== previous?.documentId) fail(['key'], `an experiment with key "${experiment.key}" already exists`);

  if (previous && previous.status !== 'draft') {
    if (previous.key !== experiment.key) fail(['key'], 'cannot change once the experiment has started (visitors are bucketed by it)');
    // Exposed visitors keep their arm and their conversions count per goal: once started, the arms
    // (their keys, in order) and the goals' events and kinds stay; weights, traffic, variants,
    // eligibility and windows may change. A goal's cap stays too: the counts hold capped values.
    const before = previous as unknown as Pick<ExperimentData, 'arms' | 'goal' | 'secondary' | 'guardrails'>;
    const armKeys = (arms: readonly { key: string }[]) => arms.map((arm) => arm.key).join(',');
    if (armKeys(before.arms) !== armKeys(experiment.arms) && experiment.mode === 'multivariate') {
      fail(['factors'], `the factors and their levels cannot be added, removed, renamed or reordered once the experiment has started (its cells are ${armKeys(before.arms)})`);
    }
    if (armKeys(before.arms) !== armKeys(experiment.arms)) {
      fail(['arms'], `the arms cannot be added, removed, renamed or reordered once the experiment has started (they are ${armKeys(before.arms)})`);
    }
    const goals = (goal: ExperimentData['goal'], secondary: ExperimentData['secondary'] | null | undefined) =>
      [goal, ...(secondary ?? [])].map((one) => `${one.event}:${one.kind}`).join(',');
    if (goals(before.goal, before.secondary) !== goals(experiment.goal, experiment.secondary)) {
      const path = before.goal.event !== experiment.goal.event || before.goal.kind !== experiment.goal.kind ? ['goal'] : ['secondary'];
      fail(path, 'the goals (events and kinds) cannot change once the experiment has started: its counts are per goal');
    }
    const guardrailGoals = (list: ExperimentData['guardrails']) => (list ?? []).map((one) => `${one.event}:${one.kind}`).join(',');
    if (guardrailGoals(before.guardrails) !== guardrailGoals(experiment.guardrails)) {
      fail(['guardrails'], "the guardrails' events and kinds cannot change once the experiment has started: its counts are per goal (the directions may)");
    }
    const capPath = changedCap(before, experiment);
    if (capPath) {
      fail(capPath, "a goal's cap cannot be set, changed or removed once the experiment has started: its counts hold capped values");
    }
  }

  await checkTarget(strapi, experiment);
  checkContextual(experiment, previous);
  await checkNamespace(strapi, { ...experiment, documentId: previous?.documentId as string | undefined });
  if (experiment.condition !== undefined && experiment.condition !== null) {
    const problem = getService(strapi, 'conditions').check(experiment.condition);
    if (problem) fail(['condition', ...problem.path], problem.message);
    const [unknown] = unknownSignals(experiment.condition);
    if (unknown) fail(['condition', ...unknown.path], unknown.message);
  }

  // Status and its timestamps.
  const from = (previous?.status as ExperimentStatus | undefined) ?? 'draft';
  const to = experiment.status;
  if (!canTransition(from, to)) {
    fail(['status'], `cannot go from "${from}" to "${to}"${action === 'create' ? ' (a new experiment is a draft)' : ''}`);
  }
  const now = new Date().toISOString();
  const startedAt = data.startedAt !== undefined ? data.startedAt : ((previous?.startedAt as string | null | undefined) ?? (to === 'running' ? now : null));
  const stoppedAt = data.stoppedAt !== undefined ? data.stoppedAt : ((previous?.stoppedAt as string | null | undefined) ?? (to === 'stopped' ? now : null));

  // A bandit's history starts with the weights it starts with: period p runs under history[p].weights.
  let banditHistory = data.banditHistory !== undefined ? data.banditHistory : (previous?.banditHistory ?? null);
  if (experiment.mode === 'bandit' && to === 'running' && !Array.isArray(banditHistory)) {
    banditHistory = [{ at: now, weights: experiment.arms.map((arm) => arm.weight), pBest: [] }];
  }

  // A contextual experiment's models start with one leaf `true` holding the starting weights.
  let contextualHistory = data.contextualHistory !== undefined ? data.contextualHistory : (previous?.contextualHistory ?? null);
  if (experiment.mode === 'contextual' && experiment.contextual && to === 'running' && !Array.isArray(contextualHistory)) {
    contextualHistory = [initialModel(experiment.contextual, experiment.arms, now)];
  }
  const contextualFrozen = data.contextualFrozen !== undefined ? data.contextualFrozen : (previous?.contextualFrozen ?? null);

  // Write the whole normalized experiment (defaults filled in), clearing what it no longer has.
  const written: Record<string, unknown> = { startedAt, stoppedAt, banditHistory, contextualHistory, contextualFrozen };
  for (const field of EXPERIMENT_FIELDS) written[field] = (experiment as Record<string, unknown>)[field] ?? null;
  return written;
};

/**
 * A contextual experiment's attributes are signal paths of the vocabulary (checked as conditions' `var`s are), in
 * one of its namespaces or `custom.*`; once started they stay (the counts are per cell of these attributes).
 */
const checkContextual = (experiment: ExperimentData, previous: Stored | null) => {
  const settings = experiment.contextual;
  if (experiment.mode !== 'contextual' || !settings) return;
  settings.attributes.forEach((attribute, index) => {
    const path = ['contextual', 'attributes', index, 'path'];
    const namespace = attribute.path.split('.')[0];
    if (namespace === 'experiments' || !([...SIGNAL_NAMESPACES, 'custom'] as string[]).includes(namespace) || !attribute.path.includes('.')) {
      fail(path, `"${attribute.path}" is not a signal path: use one of ${['context', 'time', 'behavior', 'session', 'profile', 'custom'].map((name) => `${name}.*`).join(', ')}`);
    }
    const [unknown] = unknownSignals({ var: attribute.path });
    if (unknown) fail(path, unknown.message);
  });
  const before = previous?.contextual as ExperimentData['contextual'] | undefined;
  if (previous && previous.status !== 'draft' && before && JSON.stringify(before.attributes) !== JSON.stringify(settings.attributes)) {
    fail(['contextual', 'attributes'], 'the attributes cannot change once the experiment has started: its counts are per cell of them');
  }
};

/** The path of the first goal whose cap differs (the goals' events and kinds being the same), if any. */
const changedCap = (
  before: Pick<ExperimentData, 'goal' | 'secondary'>,
  after: Pick<ExperimentData, 'goal' | 'secondary'>
): (string | number)[] | null => {
  const capOf = (goal: { cap?: number | null } | undefined) => goal?.cap ?? null;
  if (capOf(before.goal) !== capOf(after.goal)) return ['goal', 'cap'];
  const index = (after.secondary ?? []).findIndex((goal, position) => capOf(before.secondary?.[position]) !== capOf(goal));
  return index >= 0 ? ['secondary', index, 'cap'] : null;
};

/** The target entry exists (draft or published, in its locale) and has every variant the arms name. */
const checkTarget = async (strapi: Core.Strapi, experiment: ExperimentData) => {
  const { target } = experiment;
  if (!target) return;
  const contentTypes = getService(strapi, 'content-types');
  const fieldName = contentTypes.getSchema(target.uid) ? contentTypes.getVariantsFieldName(target.uid) : null;
  if (!fieldName) fail(['target', 'uid'], `"${target.uid}" is not a content type with a variants field`);

  const variantIds = new Set<string>();
  let found = false;
  for (const status of ['draft', 'published'] as const) {
    const entry = await contentTypes.findEntry(target.uid, target.documentId, {
      status,
      ...(target.locale ? { locale: target.locale } : {}),
      fields: [fieldName!],
    });
    if (!entry) continue;
    found = true;
    const value = entry[fieldName!] as { variants?: { id?: unknown }[] } | null | undefined;
    for (const variant of value?.variants ?? []) if (typeof variant?.id === 'string') variantIds.add(variant.id);
  }
  if (!found) {
    fail(['target', 'documentId'], `no ${target.uid} entry "${target.documentId}"${target.locale ? ` in locale "${target.locale}"` : ''}`);
  }
  const unknown = unknownArmVariants(experiment, variantIds);
  if (unknown.length > 0) {
    const issues = unknown.map((issue) => ({
      path: issue.path,
      message: `${issue.path[0] === 'factors' ? 'level' : 'arm'} "${issue.arm}": the target entry has no variant "${issue.variant}"`,
      name: 'ValidationError',
    }));
    throw new errors.ValidationError(`Invalid experiment at ${issues[0].path.join('.')}: ${issues[0].message}`, { errors: issues });
  }
};
