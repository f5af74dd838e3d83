'use strict';

/**
 * An app's own policy (global::require-playground-key), put on the resolve route when
 * PLAYGROUND_RESOLVE_POLICY=true (src/index.js) to show that the plugin's routes stay the app's to guard.
 */
module.exports = (policyContext) => policyContext.request.header['x-playground-key'] === 'let-me-in';
