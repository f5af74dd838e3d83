import audienceSchema from './audience/schema.json';
import experimentSchema from './experiment/schema.json';

/** The plugin's own content types, keyed by singular name as Strapi expects. */
export default {
  audience: { schema: audienceSchema },
  experiment: { schema: experimentSchema },
};
