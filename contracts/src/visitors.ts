import { z } from 'zod';

import type { ProfileSignals, VisitorProfile } from '../../engine/src';
import { visitorIdSchema } from './ids';

/**
 * The body of the admin's `POST /personalize/visitors/lookup` and `POST /personalize/visitors/erase`:
 * the visitor id travels in the body, never in a URL (which Strapi's request log records).
 */
export const adminVisitorRequestSchema = z.object({ visitorId: visitorIdSchema }).strict();
export type AdminVisitorRequest = z.infer<typeof adminVisitorRequestSchema>;

/** The answer to an erasure (the admin's `POST /personalize/visitors/erase`, `DELETE /api/personalize/me`). */
export interface VisitorErasure {
  erased: true;
}

/** A suppression in force for a visitor (erased, or opted out for the retention period); no personal data. */
export interface SuppressionMarker {
  kind: 'erased' | 'optout';
  at: number;
}

/** A marker as an export shows it: with when it expires (ms; null: it does not). */
export interface SuppressionInForce extends SuppressionMarker {
  until: number | null;
}

/**
 * Everything stored for a visitor: `GET /api/personalize/me`, the admin's
 * `POST /personalize/visitors/lookup` and the SDK's `exportData()`.
 */
export interface VisitorExport {
  visitor: { hash: string };
  /** The profile as stored (scores as (score, at) pairs), or null. */
  profile: VisitorProfile | null;
  /** The profile's signals now: interests and quick exits decayed to `at`. */
  decayed: (ProfileSignals & { at: number }) | null;
  events: unknown[];
  caps: VisitorProfile['caps'];
  consent: VisitorProfile['consent'] | null;
  exposures: VisitorProfile['exposures'];
  /** A suppression marker in force (erased or opted out), if any: then the only thing kept of an erased visitor. */
  suppressed: SuppressionInForce | null;
}
