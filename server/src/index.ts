import contentTypes from '../../content-types';
import bootstrap from './bootstrap';
import config from './config';
import destroy from './destroy';
import register from './register';
import routes from './routes';
import { controllers, middlewares, services } from './wings';

// Each wing's services, controllers and middlewares, spread (docs/architecture.md).
export default {
  register,
  bootstrap,
  destroy,
  config,
  controllers,
  routes,
  services,
  contentTypes,
  policies: {},
  middlewares,
};
