/** Default limits (`limits` in the plugin's config); the server enforces the configured values. */
export const DEFAULT_LIMITS = {
  conditionBytes: 16384,
  conditionDepth: 32,
  variantsPerEntry: 50,
  signalsBytes: 16384,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
