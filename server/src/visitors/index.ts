/**
 * visitors/: identity, consent, events ingestion, profiles, the privacy routes and the admin's visitor
 * routes (docs/events.md). Profiles live in the store behind storage/.
 */
import type { ServicesOf, Wing } from '../platform/services';
import adminVisitors from './admin-controller';
import events from './events-controller';
import privacy from './privacy-controller';
import visitors from './service';

export const services = { visitors };

declare module '../platform/services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: { events, privacy, 'admin-visitors': adminVisitors },
  documentMiddlewares: [],
} satisfies Wing;
