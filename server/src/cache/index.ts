/**
 * cache/: the tiered response cache (L1 in process, L2 in Redis) and its invalidation: after every
 * document write, by the inbound webhook, across instances over the bus (docs/architecture.md).
 */
import type { ServicesOf, Wing } from '../platform/services';
import invalidate from './invalidate-controller';
import { invalidateMiddleware } from './invalidate-middleware';
import invalidation from './invalidation';
import cache from './service';

export const services = { cache, invalidation };

declare module '../platform/services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: { invalidate },
  documentMiddlewares: [invalidateMiddleware],
} satisfies Wing;
