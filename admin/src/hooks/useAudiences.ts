import { useCallback, useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

import { getAudiences, type Audience } from '../api';
import { errorMessage } from '../utils/api';

/**
 * The audience library. `audiences` stays null when it cannot be read (no `read` permission):
 * callers then leave audience references to the server's check.
 */
export const useAudiences = (enabled = true) => {
  const client = useFetchClient();
  const [audiences, setAudiences] = useState<Audience[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setAudiences(await getAudiences(client));
      setError(null);
    } catch (reason) {
      setError(errorMessage(reason));
    }
  }, [client]);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);

  return { audiences, error, reload };
};

/** Audience key → condition, as the engine's `audiences` option takes them. */
export const audienceRules = (audiences: Audience[] | null): Record<string, unknown> | null =>
  audiences ? Object.fromEntries(audiences.map((audience) => [audience.key, audience.condition])) : null;
