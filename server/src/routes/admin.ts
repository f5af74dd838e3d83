const can = (action: string) => ({
  name: 'admin::hasPermissions',
  config: { actions: [`plugin::personalize.${action}`] },
});

const readPolicies = ['admin::isAuthenticatedAdmin', can('read')];
const managePolicies = ['admin::isAuthenticatedAdmin', can('audiences.manage')];
const experimentsReadPolicies = ['admin::isAuthenticatedAdmin', can('experiments.read')];
const experimentsManagePolicies = ['admin::isAuthenticatedAdmin', can('experiments.manage')];
const settingsPolicies = ['admin::isAuthenticatedAdmin', can('settings')];
const visitorsPolicies = ['admin::isAuthenticatedAdmin', can('visitors')];

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/audiences', handler: 'audiences.find', config: { policies: readPolicies } },
    { method: 'GET', path: '/audiences/:documentId', handler: 'audiences.findOne', config: { policies: readPolicies } },
    { method: 'POST', path: '/audiences', handler: 'audiences.create', config: { policies: managePolicies } },
    { method: 'PUT', path: '/audiences/:documentId', handler: 'audiences.update', config: { policies: managePolicies } },
    { method: 'DELETE', path: '/audiences/:documentId', handler: 'audiences.delete', config: { policies: managePolicies } },
    { method: 'GET', path: '/experiments', handler: 'experiments.find', config: { policies: experimentsReadPolicies } },
    { method: 'GET', path: '/experiments/:documentId', handler: 'experiments.findOne', config: { policies: experimentsReadPolicies } },
    { method: 'POST', path: '/experiments', handler: 'experiments.create', config: { policies: experimentsManagePolicies } },
    { method: 'PUT', path: '/experiments/:documentId', handler: 'experiments.update', config: { policies: experimentsManagePolicies } },
    { method: 'DELETE', path: '/experiments/:documentId', handler: 'experiments.delete', config: { policies: experimentsManagePolicies } },
    { method: 'POST', path: '/experiments/:documentId/start', handler: 'experiments.start', config: { policies: experimentsManagePolicies } },
    { method: 'POST', path: '/experiments/:documentId/pause', handler: 'experiments.pause', config: { policies: experimentsManagePolicies } },
    { method: 'POST', path: '/experiments/:documentId/stop', handler: 'experiments.stop', config: { policies: experimentsManagePolicies } },
    { method: 'GET', path: '/experiments/:documentId/results', handler: 'experiments.results', config: { policies: experimentsReadPolicies } },
    // The site-wide holdout against everyone else on one of holdout.goals (docs/experiments.md, "The holdout").
    { method: 'GET', path: '/holdout/results', handler: 'holdout.results', config: { policies: experimentsReadPolicies } },
    // Also checks the Content Manager's update (and publish) permission on the target entry, in the handler.
    { method: 'POST', path: '/experiments/:documentId/ship', handler: 'experiments.ship', config: { policies: experimentsManagePolicies } },
    // Rebuilds the counts from their per-unit facts (Redis) and reports what it repaired.
    {
      method: 'POST',
      path: '/experiments/:documentId/reconcile',
      handler: 'experiments.reconcile',
      config: { policies: experimentsManagePolicies },
    },
    {
      method: 'POST',
      path: '/experiments/:documentId/bandit/update',
      handler: 'experiments.banditUpdate',
      config: { policies: experimentsManagePolicies },
    },
    {
      method: 'POST',
      path: '/experiments/:documentId/contextual/freeze',
      handler: 'experiments.contextualFreeze',
      config: { policies: experimentsManagePolicies },
    },
    // The vocabulary for the rule builder, under the admin's auth: visitors' traffic on the public,
    // rate-limited /api/personalize/signals never leaves an editor without it.
    { method: 'GET', path: '/signals', handler: 'signals.vocabulary', config: { policies: readPolicies } },
    { method: 'GET', path: '/usage', handler: 'admin-usage.find', config: { policies: readPolicies } },
    { method: 'POST', path: '/evaluate', handler: 'admin-evaluate.evaluate', config: { policies: readPolicies } },
    { method: 'GET', path: '/settings', handler: 'admin-settings.find', config: { policies: settingsPolicies } },
    { method: 'POST', path: '/cache/purge', handler: 'admin-settings.purge', config: { policies: settingsPolicies } },
    { method: 'GET', path: '/health', handler: 'admin-health.find', config: { policies: settingsPolicies } },
    // The visitor id travels in the JSON body, never in the path: Strapi's request log records URLs.
    { method: 'POST', path: '/visitors/lookup', handler: 'admin-visitors.find', config: { policies: visitorsPolicies } },
    { method: 'POST', path: '/visitors/erase', handler: 'admin-visitors.erase', config: { policies: visitorsPolicies } },
  ],
};
