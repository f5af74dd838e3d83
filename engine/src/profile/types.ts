/**
 * Visitor profile shape shared by the engine (pure maths), the server stores and the delivery pipeline.
 * JSON-serializable: stored as one JSON value per visitor (embedded store or Redis).
 */

/** Event times (ms), newest last, at most 100 each. */
export interface CapCounters {
  view?: number[];
  serve?: number[];
  click?: number[];
  dismiss?: number[];
}

/** A decayed score, stored with the time it was last brought up to date; decayed lazily on read. */
export interface StoredScore {
  score: number;
  at: number;
}

export interface VisitorProfile {
  v: 1;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  session: { id: string; startedAt: number; lastSeenAt: number; pageviews: number; personalizedServes: number };
  /** ≤ profiles.maxInterests, scores < 0.01 dropped. */
  interests: Record<string, StoredScore>;
  /** Decayed with H = 1 day. */
  quickExits: StoredScore;
  /** ≤ 20, newest first, de-duplicated. */
  recentlyViewed: string[];
  /** key: `${uid}:${documentId}:${variantId}` */
  caps: Record<string, CapCounters>;
  /** Experiment first exposures. */
  exposures: Record<string, { arm: string; at: number }>;
  consent: { events: boolean | null; profiling: boolean | null; gpc?: boolean; at: number };
  /** Last 50 accepted events as received. */
  events: unknown[];
}
