/** audiences/: the audience library (named conditions), its admin routes, and where each is used (docs/editor-guide.md). */
import type { ServicesOf, Wing } from '../platform/services';
import audiencesController from './controller';
import { audiencesMiddleware } from './document-middleware';
import audiences from './service';
import usage from './usage';
import adminUsage from './usage-controller';

export const services = { audiences, usage };

declare module '../platform/services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: { audiences: audiencesController, 'admin-usage': adminUsage },
  documentMiddlewares: [audiencesMiddleware],
} satisfies Wing;
