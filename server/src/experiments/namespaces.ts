/**
 * Namespaces on save (docs/experiments.md, "Namespaces"): an experiment's range may not overlap the range of another
 * experiment of the same namespace that is not stopped (engine overlappingRange). The refusal is a 409 in Strapi's
 * error shape naming the other experiment, thrown from the document middleware so that every write (create, update,
 * start) is checked, wherever it comes from.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import type { ExperimentNamespace } from '../../../contracts/src/experiments';
import { overlappingRange } from '../../../engine/src/experiments/exclusion';
import { EXPERIMENT_UID } from './model';

/**
 * A 409 `ConflictError`. Strapi's error middleware answers an `HttpError` (http-errors) with its own status, name,
 * message and details; http-errors' base class cannot be constructed, so this error takes its prototype.
 */
export class NamespaceConflictError extends Error {
  readonly status = 409;
  readonly statusCode = 409;
  readonly expose = true;
  readonly details: { namespace: string; experiment: { key: string; name: string; range: [number, number] } };

  constructor(message: string, details: NamespaceConflictError['details']) {
    super(message);
    this.name = 'ConflictError';
    this.details = details;
  }
}
Object.setPrototypeOf(NamespaceConflictError.prototype, (errors.HttpError as unknown as { prototype: object }).prototype);

interface NamespacedExperiment {
  documentId: string;
  key: string;
  name: string;
  status: string;
  namespace: ExperimentNamespace | null;
}

/** The first experiment of the namespace (not stopped, not this one) whose range overlaps, or null. */
export const overlappingExperiment = (
  saved: { key: string; documentId?: string | null; namespace: ExperimentNamespace },
  others: readonly NamespacedExperiment[]
): NamespacedExperiment | null => {
  const candidates = others.filter(
    (other) =>
      other.documentId !== saved.documentId &&
      other.key !== saved.key &&
      other.status !== 'stopped' &&
      other.namespace?.key === saved.namespace.key
  );
  const pair = overlappingRange([
    { key: saved.key, range: saved.namespace.range, experiment: null },
    ...candidates.map((other) => ({ key: other.key, range: other.namespace!.range, experiment: other })),
  ]);
  // The saved range is first: an overlap with it is a pair [saved, other]; pairs among the others are not ours.
  return pair && pair[0].experiment === null ? pair[1].experiment : null;
};

/** Throws the 409 when the experiment being saved overlaps another of its namespace. */
export const checkNamespace = async (
  strapi: Core.Strapi,
  saved: { key: string; status: string; documentId?: string | null; namespace?: ExperimentNamespace | null }
) => {
  const { namespace } = saved;
  if (!namespace || saved.status === 'stopped') return;
  const others = (await strapi.documents(EXPERIMENT_UID as never).findMany({
    filters: { status: { $ne: 'stopped' } },
    fields: ['key', 'name', 'status', 'namespace'],
    limit: -1,
  } as never)) as unknown as NamespacedExperiment[];
  const other = overlappingExperiment({ ...saved, namespace }, others);
  if (!other) return;
  const range = other.namespace!.range;
  throw new NamespaceConflictError(
    `Namespace "${namespace.key}": the range [${namespace.range[0]}, ${namespace.range[1]}) overlaps the range [${range[0]}, ${range[1]}) of experiment "${other.key}" (${other.name})`,
    { namespace: namespace.key, experiment: { key: other.key, name: other.name, range: [range[0], range[1]] } }
  );
};
