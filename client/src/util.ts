/** Small helpers shared by the SDK's modules (no DOM needed). */

const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** 128 random bits from the platform's CSPRNG, base64url: 22 characters of `[A-Za-z0-9_-]`. */
export const randomId = (): string => base64url(crypto.getRandomValues(new Uint8Array(16)));

/** UTF-8 JSON as base64url: the encoding of `x-personalize-signals` and `personalize[signals]`. */
export const encodeSignals = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** A `Retry-After` value (seconds or an HTTP date) in ms, or undefined when absent or unreadable. */
export const retryAfterMs = (header: string | null, now: number): number | undefined => {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isNaN(seconds) ? Date.parse(header) - now : seconds * 1000;
  // At most 10 minutes: a wrong header must not park the queue for a day.
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), 600_000);
};

/** Exponential backoff (1 s, 2 s, 4 s ... capped at 30 s) with equal jitter: half fixed, half random. */
export const backoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
