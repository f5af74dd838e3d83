import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { mergeSignals } from '../signals/derive';
import type { Signals } from '../../../contracts/src/signals/schema';
import { getService } from '../utils/get-service';

/** The signals a condition sees for a request: the client's, merged with what the server derives. */
const createSignalsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  fromRequest(ctx: Context, client: Signals, locale?: string): Signals {
    const config = getService(strapi, 'settings').get();
    const country = config.trustedCountryHeader ? ctx.get(config.trustedCountryHeader) : undefined;
    return mergeSignals(
      client,
      {
        userAgent: ctx.get('user-agent') || undefined,
        country: country || undefined,
        locale,
        acceptLanguage: ctx.get('accept-language') || undefined,
        now: Date.now(),
      },
      config.defaultTimezone
    );
  },
});

export type SignalsService = ReturnType<typeof createSignalsService>;
export default createSignalsService;
