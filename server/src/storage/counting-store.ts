/**
 * A visitor store whose failed operations are counted (docs/observability.md,
 * `personalize_store_errors_total{store,operation}`): every method of the store, wrapped so a
 * thrown error or a rejected promise calls `failed(operation)` with the method's name and is then
 * passed on unchanged. Methods a store gains later are counted too, with no list to keep.
 */
export const countingFailures = <TStore extends object>(store: TStore, failed: (operation: string) => void): TStore => {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    const fail = (error: unknown): never => {
      failed(name);
      throw error;
    };
    wrapped[name] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = method.apply(store, args);
      } catch (error) {
        return fail(error);
      }
      return result instanceof Promise ? result.catch(fail) : result;
    };
  }
  return wrapped as TStore;
};
