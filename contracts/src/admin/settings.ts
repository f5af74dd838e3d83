/** `GET /personalize/settings`: the active configuration, secrets masked, and the caches' figures. */
export interface SettingsData {
  config: Record<string, unknown>;
  /** The cache service's `stats()`; the settings page checks its shape before reading it. */
  cache: unknown;
  conditions: { compiledConditions: number };
}

/** `POST /personalize/cache/purge`. */
export interface CachePurge {
  purged: true;
}
