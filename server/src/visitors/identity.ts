import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import { VISITOR_ID_PATTERN } from '../../../contracts/src/ids';

/** Length of a visitor hash: 22 base64url characters (132 bits of HMAC-SHA256). */
export const VISITOR_HASH_LENGTH = 22;

/**
 * The secret visitor ids are hashed with: `visitors.secret`, else one derived from the app's keys
 * (`server.app.keys`), so every instance of the app (and every restart) hashes alike. Without
 * either, a random one for this process (profiles then do not survive a restart; logged).
 */
export const visitorSecret = (strapi: Core.Strapi, configured: string | undefined): string => {
  if (configured) return configured;
  const keys = strapi.config.get('server.app.keys') as unknown;
  const list = Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string' && key.length > 0) : [];
  if (list.length > 0) {
    return createHash('sha256').update('strapi-plugin-personalize:visitors:').update(list.join('\u0000')).digest('base64url');
  }
  strapi.log.warn('[personalize] no visitors.secret and no server.app.keys: visitor hashes will change on restart');
  return randomBytes(32).toString('base64url');
};

export const isVisitorId = (value: unknown): value is string => typeof value === 'string' && VISITOR_ID_PATTERN.test(value);

const SHA256_BLOCK = 64;

/**
 * The only form of a visitor id the server ever stores: `HMAC-SHA256(secret, visitorId)`, base64url,
 * 22 characters. Every per-visitor Redis key carries it as a hash tag (`{<hash>}`).
 *
 * HMAC as RFC 2104 writes it, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), with both padded-key states hashed
 * once and copied per id: the same value as `createHmac`, without its per-call key setup (which
 * costs tens of microseconds under load). No visitor id is kept.
 */
export const createVisitorHasher = (secret: string) => {
  let key = Buffer.from(secret, 'utf8');
  if (key.length > SHA256_BLOCK) key = createHash('sha256').update(key).digest();
  const inner = Buffer.alloc(SHA256_BLOCK, 0x36);
  const outer = Buffer.alloc(SHA256_BLOCK, 0x5c);
  for (let index = 0; index < key.length; index += 1) {
    inner[index] ^= key[index];
    outer[index] ^= key[index];
  }
  const innerState = createHash('sha256').update(inner);
  const outerState = createHash('sha256').update(outer);
  return (visitorId: string) =>
    outerState
      .copy()
      .update(innerState.copy().update(visitorId, 'utf8').digest())
      .digest('base64url')
      .slice(0, VISITOR_HASH_LENGTH);
};

/** The reference construction, for tests: `createHmac` itself. */
export const referenceVisitorHash = (secret: string, visitorId: string) =>
  createHmac('sha256', secret).update(visitorId).digest('base64url').slice(0, VISITOR_HASH_LENGTH);
