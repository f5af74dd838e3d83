import { useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

import { adminApi, type SignalVocabulary } from '../utils/api';

let cached: SignalVocabulary | null = null;

/** The signal vocabulary (the admin route `GET /personalize/signals`); it never changes while Strapi runs. */
export const useSignals = (): { vocabulary: SignalVocabulary | null; error: string | null } => {
  const { get } = useFetchClient();
  const [vocabulary, setVocabulary] = useState<SignalVocabulary | null>(cached);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (cached) return;
    let cancelled = false;
    get<{ data: SignalVocabulary }>(adminApi.signals)
      .then(({ data }) => {
        cached = data.data;
        if (!cancelled) setVocabulary(cached);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => {
      cancelled = true;
    };
  }, [get]);

  return { vocabulary, error };
};
