import { DEFAULT_LIMITS as ENGINE_LIMITS } from '../../engine/src/limits';

/**
 * Default limits (`limits` in the plugin's config), declared once: the config schema's defaults, the
 * admin's checks and the contracts' bounds read them; the server enforces the configured values.
 */
export const DEFAULT_LIMITS = {
  conditionBytes: ENGINE_LIMITS.bytes,
  conditionDepth: ENGINE_LIMITS.depth,
  /** The work budget of one condition evaluation (docs/engine.md, "Work budget"). */
  conditionFuel: ENGINE_LIMITS.fuel,
  variantsPerEntry: 50,
  signalsBytes: 16384,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
