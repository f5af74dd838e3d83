export const PLUGIN_ID = 'personalize';
