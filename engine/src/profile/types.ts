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

/** A visitor's first exposure to an experiment: their arm for good (sticky), and what they converted. */
/** Where a contextual experiment's policy placed a visitor at their first exposure (docs/experiments.md, "Contextual bandits"). */
export interface ContextualExposure {
  /** The cell, encoded (contextualCellKey): counts per (cell, arm) go under it. */
  c: string;
  /** The leaf id and the model version in force. */
  l: string;
  m: string;
  /** The propensity: the leaf's weight of the arm drawn. */
  w: number;
}

export interface ExposureRecord {
  arm: string;
  /** Server time (ms) of the first exposure: the conversion window starts here. */
  at: number;
  /** The bandit period in force at the first exposure (absent: 0). */
  p?: number;
  /** Contextual experiments: the visitor's cell (encoded), leaf id, model version and propensity at the first exposure. */
  cx?: ContextualExposure;
  /** CUPED: per goal event name, the covariate x recorded at the first exposure (docs/statistics.md, "CUPED"). */
  x?: Record<string, number>;
  /** Per goal event name, the visitor's value so far (1 for a `conversion` goal; for `mean`, the raw total within ±1e12, counted capped); absent: not converted. */
  y?: Record<string, number>;
}

/** CUPED's pre-exposure history: goal event → UTC day (`YYYY-MM-DD`) → [events, Σ value] (engine/src/profile/goal-days.ts). */
export type GoalDays = Record<string, Record<string, [number, number]>>;

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
  /** Experiment first exposures, by experiment key. */
  exposures: Record<string, ExposureRecord>;
  consent: { events: boolean | null; profiling: boolean | null; gpc?: boolean; at: number };
  /** CUPED: goal events of running experiments per day, for the longest lookback in use (absent: none). */
  goalDays?: GoalDays;
  /** Last 50 accepted events as received. */
  events: unknown[];
}
