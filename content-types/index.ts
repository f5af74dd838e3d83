import audienceSchema from './audience/schema.json';
import experimentSchema from './experiment/schema.json';

/** The uids of the plugin's own content types (docs/architecture.md: model uids live beside their schemas). */
export const AUDIENCE_UID = 'plugin::personalize.audience';
export const EXPERIMENT_UID = 'plugin::personalize.experiment';

/** The plugin's own content types, keyed by singular name as Strapi expects. */
export default {
  audience: { schema: audienceSchema },
  experiment: { schema: experimentSchema },
};
