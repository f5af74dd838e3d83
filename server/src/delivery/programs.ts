import type { Core } from '@strapi/strapi';

import { variantsValueSchema, type Variant } from '../../../contracts/src/variants/schema';
import { documentTag, typeTag, type CachedProgram } from '../cache/service';
import type { CompiledVariant } from '../platform/conditions';
import type { DeliveryPorts } from './ports';

export interface ProgramRef {
  uid: string;
  /** Absent for single types. */
  documentId?: string;
  locale?: string;
  status?: 'published' | 'draft';
}

/** Parses a stored variants value; a value that no longer parses personalizes nothing. */
export const variantsOf = (stored: unknown): Variant[] => {
  const parsed = variantsValueSchema.safeParse(stored);
  return parsed.success ? parsed.data.variants : [];
};

/**
 * An entry's variants, ready to evaluate: cached (L1/L2) per entry version until the next change
 * to the entry, compiled once per cached program and audience-library version.
 */
const createProgramsService = ({ strapi, ports }: { strapi: Core.Strapi; ports: DeliveryPorts }) => {
  const compiledByProgram = new WeakMap<CachedProgram, { audiencesVersion: number; compiled: CompiledVariant[] }>();

  const key = (ref: ProgramRef) => `${ref.uid}|${ref.documentId ?? '*'}|${ref.locale ?? ''}|${ref.status ?? 'published'}`;

  const tags = (ref: ProgramRef) => (ref.documentId ? [documentTag(ref.uid, ref.documentId)] : [typeTag(ref.uid)]);

  return {
    key,
    tags,

    async get(ref: ProgramRef): Promise<CachedProgram | undefined> {
      return ports.cache.programs().get(key(ref), tags(ref));
    },

    async remember(ref: ProgramRef, stored: unknown, documentId = ref.documentId): Promise<CachedProgram> {
      const program: CachedProgram = { variants: variantsOf(stored), ...(documentId ? { documentId } : {}) };
      // Drafts change with every keystroke of an editor: only published programs are shared.
      if ((ref.status ?? 'published') === 'published') {
        await ports.cache.programs().set(key(ref), program, tags(ref));
      }
      return program;
    },

    /** Loads and compiles the published variants of an entry into the caches (after a publish). */
    async warm(ref: ProgramRef): Promise<void> {
      const fieldName = ports.contentTypes.getVariantsFieldName(ref.uid);
      if (!fieldName || !ports.contentTypes.isDeliverable(ref.uid)) return;
      const schema = ports.contentTypes.getSchema(ref.uid);
      const params = { fields: [fieldName], status: 'published', ...(ref.locale ? { locale: ref.locale } : {}) };
      const entry = await ports.contentTypes.findEntry(ref.uid, ref.documentId, params);
      if (!entry) return;
      const target = schema?.kind === 'singleType' ? { ...ref, documentId: undefined } : ref;
      const documentId = entry.documentId as string;
      this.compiled(await this.remember(target, entry[fieldName], documentId));
      // Requests that name no locale get the default one: warm that key too.
      const defaultLocale = await strapi.plugin('i18n')?.service('locales')?.getDefaultLocale?.();
      if (target.locale && target.locale === defaultLocale) {
        this.compiled(await this.remember({ ...target, locale: undefined }, entry[fieldName], documentId));
      }
    },

    compiled(program: CachedProgram): CompiledVariant[] {
      const audiencesVersion = ports.audiences.version();
      let entry = compiledByProgram.get(program);
      if (!entry || entry.audiencesVersion !== audiencesVersion) {
        entry = { audiencesVersion, compiled: ports.conditions.compileVariants(program.variants) };
        compiledByProgram.set(program, entry);
      }
      return entry.compiled;
    },
  };
};

export type ProgramsService = ReturnType<typeof createProgramsService>;
export default createProgramsService;
