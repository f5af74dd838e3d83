import { z } from 'zod';

/** Any JSON value: JSON-logic rules are plain JSON, and the engine checks their shape when it compiles them. */
export const jsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)])
);
