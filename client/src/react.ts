/**
 * strapi-plugin-personalize/client/react: `<PersonalizeProvider>` and `usePersonalized()`.
 * Written without JSX so the file needs no JSX transform wherever it is bundled.
 */
import { createContext, createElement, useContext, useEffect, useState, type ReactElement, type ReactNode } from 'react';

import { createPersonalize } from './index';
import type { Personalize, PersonalizeOptions, ResolveOptions } from './types';

export type { Personalize, PersonalizeOptions, ResolveOptions } from './types';

const PersonalizeContext = createContext<Personalize | null>(null);

/** One SDK instance per page in the browser, whatever React renders twice (StrictMode) or remounts. */
let browserInstance: Personalize | undefined;

export interface PersonalizeProviderProps {
  /** An instance made with `createPersonalize()`; or `options` to make one. */
  client?: Personalize;
  options?: PersonalizeOptions;
  children?: ReactNode;
}

export function PersonalizeProvider({ client, options, children }: PersonalizeProviderProps): ReactElement {
  const [pz] = useState(() => {
    if (client) return client;
    if (!options) throw new Error('PersonalizeProvider needs `client` or `options`');
    // On a server, one instance per render (per request); in the browser, one per page.
    return typeof window === 'undefined' ? createPersonalize(options) : (browserInstance ??= createPersonalize(options));
  });
  return createElement(PersonalizeContext.Provider, { value: pz }, children);
}

/** The SDK instance of the nearest `<PersonalizeProvider>`. */
export function usePersonalize(): Personalize {
  const pz = useContext(PersonalizeContext);
  if (!pz) throw new Error('usePersonalize() and usePersonalized() need a <PersonalizeProvider> above them');
  return pz;
}

export interface UsePersonalizedOptions<TEntry> extends Omit<ResolveOptions, 'signal'> {
  /** The entry as the server resolved it (server rendering): shown at once, and not fetched again unless `enabled`. */
  initialData?: TEntry;
  initialVariant?: string | null;
  /** Resolve in the browser (default: only when there is no `initialData`). */
  enabled?: boolean;
}

export interface PersonalizedState<TEntry> {
  data: TEntry | null;
  variant: string | null;
  loading: boolean;
  error: Error | null;
}

/** Resolves an entry for this visitor: `{ data, variant, loading, error }`. */
export function usePersonalized<TEntry = Record<string, unknown>>({
  initialData,
  initialVariant = null,
  enabled = initialData === undefined,
  ...request
}: UsePersonalizedOptions<TEntry>): PersonalizedState<TEntry> {
  const pz = usePersonalize();
  const [state, setState] = useState<PersonalizedState<TEntry>>({
    data: initialData ?? null,
    variant: initialVariant,
    loading: enabled,
    error: null,
  });
  const key = JSON.stringify(request);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setState((previous) => (previous.loading ? previous : { ...previous, loading: true }));
    pz.resolve<TEntry>({ ...(JSON.parse(key) as ResolveOptions), signal: controller.signal }).then(
      (result) =>
        setState({ data: result.data, variant: result.meta?.personalize?.variant ?? null, loading: false, error: null }),
      (error: Error) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, loading: false, error }));
      }
    );
    return () => controller.abort();
  }, [pz, key, enabled]);

  return state;
}
