import { z } from 'zod';

import { armOrCellKeySchema, type Experiment } from './experiments';

/**
 * Shipping an arm (docs/experiments.md, "Shipping the winner"): `POST /personalize/experiments/:documentId/ship`
 * makes an arm the target entry's served variants, then stops the experiment. The plan is pure, so the
 * server applies it and the admin can say beforehand what it will do.
 */

/** The body of `POST /personalize/experiments/:documentId/ship`. */
/** `arm`: an arm's key (a multivariate cell's too, so that the server can say why it cannot ship one). */
export const shipBodySchema = z.object({ arm: armOrCellKeySchema }).strict();
export type ShipBody = z.infer<typeof shipBodySchema>;

/** The part of a variant the plan reads; the rest of it is carried over untouched. */
export interface ShippableVariant {
  id: string;
  enabled?: boolean;
}

export interface ShipPlan<V extends ShippableVariant> {
  /** The entry's variants after shipping: the arm's first (in the arm's order), then the others in their order. */
  variants: V[];
  /** The arm's variants the entry has, in the arm's order (now first). */
  first: string[];
  /** Variants of the other arms that the shipped arm does not list, and that were enabled: now disabled. */
  disabled: string[];
  /** The arm's variants that are disabled on the entry: they stay disabled (the arm's visitors never got them). */
  keptDisabled: string[];
  /** The arm's variants the entry no longer has (skipped, as delivery skipped them). */
  missing: string[];
}

/**
 * What shipping `armKey` does to an entry's variants, so that every visitor is served what the arm's
 * visitors were:
 * - the arm's variants come first, in the arm's order (first match wins, as in the arm);
 * - the other arms' variants that the arm does not list are disabled (shipping the control arm, which
 *   usually lists none, disables every treatment's variants);
 * - the entry's variants that no arm lists keep their place and their state: the experiment did not
 *   test them;
 * - nothing is enabled: a disabled variant matches no visitor, inside an arm too, so the arm's visitors
 *   never got a variant that is disabled now (it is reported in `keptDisabled`).
 * Returns null when the experiment has no arm `armKey`.
 */
export const shipPlan = <V extends ShippableVariant>(
  variants: readonly V[],
  arms: readonly { key: string; variants?: readonly string[] | null }[],
  armKey: string
): ShipPlan<V> | null => {
  const arm = arms.find((candidate) => candidate.key === armKey);
  if (!arm) return null;
  const byId = new Map(variants.map((variant) => [variant.id, variant]));
  const shipped = [...new Set(arm.variants ?? [])];
  const shippedSet = new Set(shipped);
  const others = new Set(
    arms.filter((candidate) => candidate.key !== armKey).flatMap((candidate) => (candidate.variants ?? []).filter((id) => !shippedSet.has(id)))
  );
  const first = shipped.filter((id) => byId.has(id));
  const disabled: string[] = [];
  const rest = variants
    .filter((variant) => !shippedSet.has(variant.id))
    .map((variant) => {
      if (!others.has(variant.id) || variant.enabled === false) return variant;
      disabled.push(variant.id);
      return { ...variant, enabled: false };
    });
  return {
    variants: [...first.map((id) => byId.get(id) as V), ...rest],
    first,
    disabled,
    keptDisabled: first.filter((id) => byId.get(id)?.enabled === false),
    missing: shipped.filter((id) => !byId.has(id)),
  };
};

/** `POST /personalize/experiments/:documentId/ship` answers `{ data: ShipResult }`. */
export interface ShipResult {
  /** The experiment, now stopped. */
  experiment: Experiment;
  /** The arm shipped. */
  arm: string;
  entry: {
    uid: string;
    documentId: string;
    locale: string | null;
    /** True when visitors are served the change: the entry was published (and is published again with it), or its type has no draft & publish. */
    published: boolean;
    /** False when the entry's variants already were as shipping makes them (nothing was written). */
    changed: boolean;
    /** The entry's variants after shipping, in order. */
    variants: { id: string; enabled: boolean }[];
  };
  first: string[];
  disabled: string[];
  keptDisabled: string[];
  missing: string[];
}

/** Why a ship is refused (`409`, `error.details.reason`). */
export type ShipRefusal = 'site-wide' | 'multivariate' | 'not-started' | 'stopped' | 'entry-missing' | 'entry-modified';
