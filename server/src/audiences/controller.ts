import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { AUDIENCE_UID } from '../../../content-types';
import { getService } from '../platform/services';
import { parseOrThrow, sendError } from '../utils/errors';
import { audienceInputSchema, audienceUpdateSchema } from '../../../contracts/src/admin/audience';

const FIELDS = ['documentId', 'name', 'key', 'description', 'condition', 'createdAt', 'updatedAt'];

/** Admin CRUD for the audience library; validation of conditions happens in the document middleware. */
const createAudiencesController = ({ strapi }: { strapi: Core.Strapi }) => {
  const documents = () => strapi.documents(AUDIENCE_UID as never);

  const findOrThrow = async (documentId: string) => {
    const audience = await documents().findOne({ documentId, fields: FIELDS } as never);
    if (!audience) throw new errors.NotFoundError('Audience not found');
    return audience;
  };

  const body = (ctx: Context) => (ctx.request as { body?: unknown }).body ?? {};

  return {
    async find(ctx: Context) {
      const audiences = await documents().findMany({ fields: FIELDS, sort: 'name:asc' } as never);
      ctx.body = { data: audiences };
    },

    async findOne(ctx: Context) {
      ctx.body = { data: await findOrThrow(ctx.params.documentId) };
    },

    async create(ctx: Context) {
      const data = parseOrThrow(audienceInputSchema, body(ctx), 'Invalid audience');
      const existing = await documents().findFirst({ filters: { key: data.key } } as never);
      if (existing) {
        throw new errors.ValidationError(`An audience with key "${data.key}" already exists`, {
          errors: [{ path: ['key'], message: 'must be unique', name: 'ValidationError' }],
        });
      }
      ctx.status = 201;
      ctx.body = { data: await documents().create({ data, fields: FIELDS } as never) };
    },

    async update(ctx: Context) {
      const data = parseOrThrow(audienceUpdateSchema, body(ctx), 'Invalid audience');
      await findOrThrow(ctx.params.documentId);
      if (data.key) {
        const clash = (await documents().findFirst({ filters: { key: data.key } } as never)) as { documentId: string } | null;
        if (clash && clash.documentId !== ctx.params.documentId) {
          throw new errors.ValidationError(`An audience with key "${data.key}" already exists`, {
            errors: [{ path: ['key'], message: 'must be unique', name: 'ValidationError' }],
          });
        }
      }
      ctx.body = {
        data: await documents().update({ documentId: ctx.params.documentId, data, fields: FIELDS } as never),
      };
    },

    /** Refused with a 409 listing the variants and audiences that still name the audience. */
    async delete(ctx: Context) {
      const audience = (await findOrThrow(ctx.params.documentId)) as unknown as { key: string; name: string };
      const usage = await getService(strapi, 'usage').of(audience.key);
      if (usage.entries.length > 0 || usage.audiences.length > 0) {
        const where = [
          ...usage.entries.map((use) => `${use.contentType} "${use.title ?? use.documentId}" (${[use.locale, use.status].filter(Boolean).join(', ')}), variant "${use.variantName}"`),
          ...usage.audiences.map((key) => `audience "${key}"`),
        ];
        return sendError(ctx, {
          status: 409,
          name: 'ConflictError',
          message: `Audience "${audience.key}" is in use and cannot be deleted: ${where.slice(0, 5).join('; ')}${where.length > 5 ? ` and ${where.length - 5} more` : ''}`,
          details: { ...usage },
        });
      }
      await documents().delete({ documentId: ctx.params.documentId } as never);
      ctx.body = { data: audience };
    },
  };
};

export default createAudiencesController;
