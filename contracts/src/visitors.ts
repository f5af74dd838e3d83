import type { ProfileSignals, VisitorProfile } from '../../engine/src';

/** A suppression in force for a visitor (erased, or opted out for the retention period); no personal data. */
export interface SuppressionMarker {
  kind: 'erased' | 'optout';
  at: number;
}

/**
 * Everything stored for a visitor: `GET /api/personalize/me`, the admin's
 * `GET /personalize/visitors/:visitorId` and the SDK's `exportData()`.
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
  /** A suppression marker in force (erased or opted out), if any. */
  suppressed: SuppressionMarker | null;
}
