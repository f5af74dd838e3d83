import { useCallback, useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

import { adminApi, errorMessage, type Audience } from '../utils/api';

/**
 * The audience library. `audiences` stays null when it cannot be read (no `read` permission):
 * callers then leave audience references to the server's check.
 */
export const useAudiences = (enabled = true) => {
  const { get } = useFetchClient();
  const [audiences, setAudiences] = useState<Audience[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const { data } = await get<{ data: Audience[] }>(adminApi.audiences);
      setAudiences(data.data);
      setError(null);
    } catch (reason) {
      setError(errorMessage(reason));
    }
  }, [get]);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);

  return { audiences, error, reload };
};

/** Audience key → condition, as the engine's `audiences` option takes them. */
export const audienceRules = (audiences: Audience[] | null): Record<string, unknown> | null =>
  audiences ? Object.fromEntries(audiences.map((audience) => [audience.key, audience.condition])) : null;
