import type { Core } from '@strapi/strapi';

import { AUDIENCE_UID } from '../../../content-types';
import type { Audience } from '../../../contracts/src/admin/audience';

/** A stored audience (the contract's type). */
export type AudienceRecord = Audience;

/**
 * The audience library: every audience's condition by key, held in memory because every variant
 * condition that says `{"audience": "key"}` is compiled against it. `version` changes whenever the
 * library does, so compiled conditions that inlined an old audience are not reused.
 */
const createAudiencesService = ({ strapi }: { strapi: Core.Strapi }) => {
  let rules: Record<string, unknown> = {};
  let version = 0;
  let loaded = false;

  const documents = () => strapi.documents(AUDIENCE_UID as never);

  const reload = async (): Promise<void> => {
    const audiences = (await documents().findMany({ fields: ['key', 'condition'] } as never)) as unknown as Pick<
      AudienceRecord,
      'key' | 'condition'
    >[];
    const next: Record<string, unknown> = Object.create(null);
    for (const audience of audiences) next[audience.key] = audience.condition;
    rules = next;
    version += 1;
    loaded = true;
  };

  return {
    reload,
    isLoaded: () => loaded,
    /** Audience conditions by key, as the engine's `audiences` option takes them. */
    rules: () => rules,
    version: () => version,
    /** The library as it would be with one audience changed, for validating that change. */
    rulesWith: (key: string, condition: unknown, previousKey?: string): Record<string, unknown> => {
      const next: Record<string, unknown> = Object.assign(Object.create(null), rules);
      if (previousKey && previousKey !== key) delete next[previousKey];
      next[key] = condition;
      return next;
    },
  };
};

export type AudiencesService = ReturnType<typeof createAudiencesService>;
export default createAudiencesService;
