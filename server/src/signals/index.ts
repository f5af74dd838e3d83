/** signals/: the signal vocabulary route, and the server-derived signals of a request (docs/delivery.md). */
import signals from './controller';

export default { services: {}, controllers: { signals }, documentMiddlewares: [] };
