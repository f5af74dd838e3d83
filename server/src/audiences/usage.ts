import type { Core } from '@strapi/strapi';

import { getService } from '../platform/services';
import type { AudienceUsage, UsageReport } from '../../../contracts/src/admin/audience';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { variantsValueSchema } from '../../../contracts/src/variants/schema';


const PAGE_SIZE = 200;
const TITLE_CANDIDATES = ['title', 'name', 'label', 'slug'];

/** Audience keys named by `{"audience": "key"}` anywhere in a rule (constant keys only). */
export const audienceReferences = (rule: unknown, into: Set<string> = new Set()): Set<string> => {
  if (Array.isArray(rule)) {
    for (const item of rule) audienceReferences(item, into);
  } else if (typeof rule === 'object' && rule !== null) {
    const keys = Object.keys(rule);
    const value = (rule as Record<string, unknown>)[keys[0]];
    if (keys.length === 1 && keys[0] === 'audience' && typeof value === 'string') into.add(value);
    for (const key of keys) audienceReferences((rule as Record<string, unknown>)[key], into);
  }
  return into;
};

const titleFieldOf = (schema: SchemaLike): string | null => {
  const strings = Object.entries(schema.attributes).filter(([, attribute]) => attribute.type === 'string' && !attribute.private);
  return (TITLE_CANDIDATES.find((name) => strings.some(([field]) => field === name)) ?? strings[0]?.[0]) || null;
};

/**
 * Where audiences are used: scans the variants field of every entry of every content type that has
 * one (drafts and published versions, every locale), and the audience library itself.
 */
const createUsageService = ({ strapi }: { strapi: Core.Strapi }) => {
  const scanContentType = async (uid: string, into: Record<string, AudienceUsage[]>) => {
    const contentTypes = getService(strapi, 'content-types');
    const schema = contentTypes.getSchema(uid);
    const fieldName = contentTypes.getVariantsFieldName(uid);
    if (!schema || !fieldName) return;
    const titleField = titleFieldOf(schema);
    const statuses: AudienceUsage['status'][] = schema.options?.draftAndPublish ? ['draft', 'published'] : ['draft'];
    const localized = Boolean(schema.pluginOptions?.i18n?.localized);

    for (const status of statuses) {
      for (let start = 0; ; start += PAGE_SIZE) {
        const page = (await strapi.documents(uid as never).findMany({
          status,
          ...(localized ? { locale: '*' } : {}),
          fields: [fieldName, ...(titleField ? [titleField] : []), ...(localized ? ['locale'] : [])],
          start,
          limit: PAGE_SIZE,
        } as never)) as unknown as (Record<string, unknown> & { documentId: string; locale?: string | null })[];

        for (const entry of page) {
          const parsed = variantsValueSchema.safeParse(entry[fieldName]);
          if (!parsed.success) continue;
          for (const variant of parsed.data.variants) {
            for (const key of audienceReferences(variant.condition)) {
              (into[key] ??= []).push({
                uid,
                contentType: schema.info?.displayName ?? uid,
                documentId: entry.documentId,
                locale: entry.locale ?? null,
                status,
                title: titleField && typeof entry[titleField] === 'string' ? (entry[titleField] as string) : null,
                variantId: variant.id,
                variantName: variant.name,
              });
            }
          }
        }
        if (page.length < PAGE_SIZE) break;
      }
    }
  };

  const report = async (): Promise<UsageReport> => {
    const entries: Record<string, AudienceUsage[]> = {};
    for (const uid of getService(strapi, 'content-types').withVariantsField()) await scanContentType(uid, entries);

    const audiences: Record<string, string[]> = {};
    for (const [key, rule] of Object.entries(getService(strapi, 'audiences').rules())) {
      for (const referenced of audienceReferences(rule)) {
        if (referenced !== key) (audiences[referenced] ??= []).push(key);
      }
    }
    return { entries, audiences };
  };

  return {
    report,
    /** Where one audience is used: the variants and the other audiences that name it. */
    async of(key: string): Promise<{ entries: AudienceUsage[]; audiences: string[] }> {
      const all = await report();
      return { entries: all.entries[key] ?? [], audiences: all.audiences[key] ?? [] };
    },
  };
};

export type UsageService = ReturnType<typeof createUsageService>;
export default createUsageService;
