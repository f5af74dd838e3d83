import { useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

import { getSignals, type SignalVocabulary } from '../api';

let cached: SignalVocabulary | null = null;

/** The signal vocabulary (the admin route `GET /personalize/signals`); it never changes while Strapi runs. */
export const useSignals = (): { vocabulary: SignalVocabulary | null; error: string | null } => {
  const client = useFetchClient();
  const [vocabulary, setVocabulary] = useState<SignalVocabulary | null>(cached);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (cached) return;
    let cancelled = false;
    getSignals(client)
      .then((vocabulary) => {
        cached = vocabulary;
        if (!cancelled) setVocabulary(cached);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => {
      cancelled = true;
    };
  }, [client]);

  return { vocabulary, error };
};
