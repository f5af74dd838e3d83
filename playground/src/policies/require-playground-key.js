'use strict';

/**
 * An app's own policy (global::require-playground-key), put on the resolve route when
 * PLAYGROUND_RESOLVE_POLICY=true (src/index.js) and on the article routes when
 * PLAYGROUND_ARTICLE_POLICY=true, to show that routes stay the app's to guard, personalized or not.
 */
module.exports = (policyContext) => policyContext.request.header['x-playground-key'] === 'let-me-in';
