/**
 * The experiments a condition references with `{"experiment": ["key", "arm"]}`, through the
 * audiences it names too (docs/design.md, "Experiments": a site-wide experiment's visitors are exposed when
 * delivery resolves an entry whose variants reference it). Pure; own properties only.
 */
const own = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

export const referencedExperiments = (
  conditions: Iterable<unknown>,
  audiences: Readonly<Record<string, unknown>> = {},
  found: Set<string> = new Set()
): Set<string> => {
  const seenAudiences = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const argument = (node as Record<string, unknown>)[key];
      if (key === 'experiment' && Array.isArray(argument) && typeof argument[0] === 'string') found.add(argument[0]);
      // {"var": "experiments.<key>"} (or ["experiments.<key>", default]) reads the arm as a signal
      const path = key === 'var' ? (Array.isArray(argument) ? argument[0] : argument) : undefined;
      if (typeof path === 'string' && path.startsWith('experiments.')) {
        const experiment = path.slice('experiments.'.length).split('.')[0];
        if (experiment) found.add(experiment);
      }
      if (key === 'audience' && typeof argument === 'string' && !seenAudiences.has(argument) && own(audiences, argument)) {
        seenAudiences.add(argument);
        walk(audiences[argument]);
      }
      walk(argument);
    }
  };
  for (const condition of conditions) walk(condition);
  return found;
};
