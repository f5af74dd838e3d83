import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import type { SchemaLike } from '../../../contracts/src/schema-types';
import type { CachedResponse } from '../cache/service';
import type { ContentApiAuth } from '../platform/access';
import { requestSignals } from './context';
import type { Entry } from './overrides';
import type { EntryOutcome, VisitorRequest } from './pipeline';
import type { DeliveryPorts } from './ports';
import { asksPersonalization, readRequest } from './plain-api';
import type { ProgramRef } from './programs';
import { etagOf } from './respond';

/**
 * GraphQL personalization (docs/delivery.md, "GraphQL"), through the GraphQL plugin's extension
 * service as Strapi's i18n adds its `locale` argument: a nexus plugin wraps every field that returns
 * a personalizable type (a single entry, a list, a connection's nodes, a single type, or an entry
 * reached through a relation: association resolvers never go through document middlewares), and
 * each entry is run through the same pipeline as the plain API: the same headers, visitor, choice,
 * overrides, content-API sanitizer and response cache. Without a personalization header nothing is
 * touched, so responses stay Strapi's own. Each such type gets `personalization: PersonalizeMeta`.
 * The variants field is private (register.ts), so the GraphQL plugin leaves it out of the schema.
 */

const META_TYPE = 'PersonalizeMeta';
/** What a personalized entry carries for its `personalization` field and its overridden relations. */
const PERSONALIZED = Symbol('personalize.graphql');
const POPULATABLE = new Set(['media', 'relation', 'component', 'dynamiczone']);

interface Personalized {
  meta: EntryOutcome;
  /** Relations, media and components the variant overrode: their resolvers answer from the entry. */
  overridden: Set<string>;
}

type Resolver = (root: unknown, args: Record<string, unknown>, context: GraphqlContext, info: unknown) => unknown;
type FieldMiddleware = (root: unknown, args: Record<string, unknown>, context: GraphqlContext, info: unknown, next: Resolver) => unknown;

interface GraphqlContext {
  state?: { auth?: ContentApiAuth };
  koaContext?: Context;
}

/** The parts of nexus (as the extension service hands it over) this module uses. */
interface ObjectDefinitionBlock {
  field(name: string, config: { type: string; description?: string; resolve?: (root: unknown) => unknown }): void;
}
interface NexusLike {
  objectType(config: { name: string; description?: string; definition(t: ObjectDefinitionBlock): void }): unknown;
  extendType(config: { type: string; definition(t: ObjectDefinitionBlock): void }): unknown;
  plugin(config: {
    name: string;
    onCreateFieldResolver(config: { parentTypeConfig: { name: string }; fieldConfig: { name: string; type: unknown } }): FieldMiddleware | undefined;
  }): unknown;
}

interface Naming {
  getTypeName(contentType: unknown): string;
  getEntityResponseCollectionName(contentType: unknown): string;
  getRelationResponseCollectionName(contentType: unknown): string;
}

interface GraphqlPlugin {
  service(name: 'extension'): { use(extension: (context: { nexus: NexusLike }) => unknown): void };
  service(name: 'utils'): { naming: Naming };
}

/** A field's output type as its config gives it: a name, a type, or list/non-null wrappers (nexus' or GraphQL's) around one. */
const namedType = (type: unknown): string | null => {
  if (typeof type === 'string') return type;
  if (type && typeof type === 'object') {
    const wrapper = type as { ofNexusType?: unknown; ofType?: unknown; name?: unknown };
    if (wrapper.ofNexusType !== undefined) return namedType(wrapper.ofNexusType);
    if (wrapper.ofType !== undefined) return namedType(wrapper.ofType);
    if (typeof wrapper.name === 'string') return wrapper.name;
  }
  return null;
};

const isEntry = (value: unknown): value is Entry & { documentId: string } =>
  typeof value === 'object' && value !== null && typeof (value as Entry).documentId === 'string';

export const registerGraphql = (strapi: Core.Strapi, ports: DeliveryPorts) => {
  const graphql = strapi.plugin('graphql') as unknown as GraphqlPlugin | undefined;
  if (!graphql) return;

  /** Per GraphQL request: the visitor, read once (signals, profile), or null without personalization. */
  const visitors = new WeakMap<GraphqlContext, Promise<VisitorRequest | null>>();

  const visitorOf = (context: GraphqlContext, locale: unknown): Promise<VisitorRequest | null> => {
    let known = visitors.get(context);
    if (!known) {
      known = (async () => {
        const ctx = context.koaContext;
        if (!ctx || !asksPersonalization(ctx)) return null;
        // One request, one count in the plain API's budget (docs/delivery.md, "Rate limits").
        await ports.rateLimit.consume(ctx, 'plain');
        const settings = ports.settings.get();
        const request = readRequest(ctx, settings.limits.signalsBytes);
        return ports.delivery.visitorRequest(ctx, {
          signals: requestSignals(ctx, request.clientSignals ?? {}, settings, typeof locale === 'string' ? locale : undefined),
          visitorId: request.visitorId,
          variantId: request.variantId,
        });
      })();
      visitors.set(context, known);
    }
    return known;
  };

  /** One entry through the pipeline: its program, the choice, overrides and sanitize (cached), counting. */
  const personalizeEntry = async (
    uid: string,
    entry: Entry & { documentId: string },
    visitor: VisitorRequest,
    context: GraphqlContext,
    single: boolean
  ): Promise<Entry> => {
    if ((entry as { [PERSONALIZED]?: Personalized })[PERSONALIZED]) return entry;
    const startedAt = performance.now();
    const delivery = ports.delivery;
    const programs = ports.programs;
    const contentTypes = ports.contentTypes;
    const schema = contentTypes.getSchema(uid) as SchemaLike;
    const fieldName = contentTypes.getVariantsFieldName(uid);
    const draft = Boolean(schema.options?.draftAndPublish) && !entry.publishedAt;
    const ref: ProgramRef = {
      uid,
      documentId: schema.kind === 'collectionType' ? entry.documentId : undefined,
      locale: entry.locale ?? undefined,
      status: draft ? 'draft' : 'published',
    };
    const program =
      (draft ? undefined : await programs.get(ref)) ??
      (fieldName && fieldName in entry
        ? await programs.remember(ref, entry[fieldName], entry.documentId)
        : (await delivery.programsFor(uid, [entry], () => ref)).get(entry)!);
    const target = { uid, documentId: entry.documentId };
    const selection = delivery.choose(program, target, visitor);
    if (selection.fixedMissing && single) throw new errors.NotFoundError(`Variant "${visitor.variantId}" not found on this entry`);
    const variant = selection.variant;
    const overridden = new Set(
      Object.keys(variant?.overrides ?? {}).filter((name) => POPULATABLE.has(schema.attributes[name]?.type ?? ''))
    );

    const auth = context.state?.auth;
    const key = delivery.responseKey(`gql:${programs.key(ref)}`, variant?.id ?? '-', auth, 'entry');
    const responses = ports.cache.responses();
    const cached = draft ? undefined : await responses.get(key, programs.tags(ref));
    let rendered: Record<string, unknown>;
    if (cached) {
      rendered = JSON.parse(cached.data) as Record<string, unknown>;
    } else {
      // Relations, media and components are resolved by their own resolvers; an overridden one is
      // marked present so the overrides stage fetches it, and its resolver answers from the entry.
      const copy: Entry = { ...entry };
      for (const name of overridden) copy[name] = null;
      rendered = await delivery.render(copy, variant, { schema, fieldName, requestedFields: null, auth });
      if (!draft) {
        const json = JSON.stringify(rendered);
        const response: CachedResponse = { data: json, etag: etagOf(json, variant?.id ?? '') };
        await responses.set(key, response, delivery.responseTags(schema, programs.tags(ref), [rendered]));
      }
    }
    const personalized: Personalized = { meta: delivery.outcomeOf(selection), overridden };
    delivery.observe('graphql', visitor, [selection], startedAt, cached ? 'hit' : 'miss');
    delivery.count(visitor, target, selection);
    return Object.assign(rendered, { [PERSONALIZED]: personalized });
  };

  /** An entry, a list of entries or a connection (`{ nodes }`), each entry personalized. */
  const personalizeValue = async (uid: string, value: unknown, context: GraphqlContext, args: Record<string, unknown>, single: boolean) => {
    if (value === null || value === undefined) return value;
    const visitor = await visitorOf(context, args.locale);
    if (!visitor) return value;
    if (Array.isArray(value)) {
      return Promise.all(value.map((item) => (isEntry(item) ? personalizeEntry(uid, item, visitor, context, false) : item)));
    }
    const connection = value as { nodes?: unknown };
    if (typeof value === 'object' && Array.isArray(connection.nodes)) {
      const nodes = await Promise.all(
        connection.nodes.map((item: unknown) => (isEntry(item) ? personalizeEntry(uid, item, visitor, context, false) : item))
      );
      return { ...connection, nodes };
    }
    return isEntry(value) ? personalizeEntry(uid, value, visitor, context, single) : value;
  };

  graphql.service('extension').use(({ nexus }) => {
    const { naming } = graphql.service('utils');
    const contentTypes = ports.contentTypes;
    /** GraphQL type name (entity, or its collections) → the personalizable content type's uid. */
    const returning = new Map<string, string>();
    /** Entity type name → uid, and its populatable attributes by field name (with `_connection`). */
    const entityTypes = new Map<string, { uid: string; populatable: Map<string, { attribute: string; target?: string }> }>();
    for (const uid of Object.keys(strapi.contentTypes)) {
      if (!uid.startsWith('api::') || contentTypes.getVariantsFieldName(uid) === null) continue;
      const contentType = strapi.contentTypes[uid as keyof typeof strapi.contentTypes];
      const schema = contentTypes.getSchema(uid) as SchemaLike;
      const typeName = naming.getTypeName(contentType);
      returning.set(typeName, uid);
      returning.set(naming.getEntityResponseCollectionName(contentType), uid);
      returning.set(naming.getRelationResponseCollectionName(contentType), uid);
      const populatable = new Map<string, { attribute: string; target?: string }>();
      for (const [name, attribute] of Object.entries(schema.attributes)) {
        if (!POPULATABLE.has(attribute.type)) continue;
        const target = attribute.type === 'media' ? 'plugin::upload.file' : attribute.target;
        populatable.set(name, { attribute: name, target });
        populatable.set(`${name}_connection`, { attribute: name, target });
      }
      entityTypes.set(typeName, { uid, populatable });
    }

    const metaType = nexus.objectType({
      name: META_TYPE,
      description: 'How the entry was personalized for this request (null without a personalization header)',
      definition(t) {
        t.field('variant', { type: 'String', description: 'The variant served, or null for the entry as published' });
        t.field('reason', { type: 'JSON', description: 'Why each variant was chosen or passed over' });
        t.field('experiments', { type: 'JSON', description: 'For each experiment that took part: arm, reason, bucket' });
      },
    });
    const metaFields = [...entityTypes.keys()].map((typeName) =>
      nexus.extendType({
        type: typeName,
        definition(t) {
          t.field('personalization', {
            type: META_TYPE,
            resolve: (root) => {
              const personalized = (root as { [PERSONALIZED]?: Personalized } | null)?.[PERSONALIZED];
              if (!personalized) return null;
              const { variant, reason, experiments } = personalized.meta;
              return { variant, reason, experiments: experiments ?? {} };
            },
          });
        },
      })
    );

    const plugin = nexus.plugin({
      name: 'PersonalizeGraphql',
      onCreateFieldResolver({ parentTypeConfig, fieldConfig }) {
        const parent = entityTypes.get(parentTypeConfig.name);
        const overridable = parent?.populatable.get(fieldConfig.name);
        const returnType = namedType(fieldConfig.type);
        const uid = returnType ? returning.get(returnType) : undefined;
        if (!overridable && !uid) return undefined;
        const single = parentTypeConfig.name === 'Query';
        return async (root, args, context, info, next) => {
          const personalized = (root as { [PERSONALIZED]?: Personalized } | null)?.[PERSONALIZED];
          let value: unknown;
          if (overridable && personalized?.overridden.has(overridable.attribute)) {
            // The variant's relation, media or component, fetched and sanitized by the overrides stage.
            const overrideValue = (root as Record<string, unknown>)[overridable.attribute];
            value = fieldConfig.name.endsWith('_connection')
              ? { nodes: overrideValue ?? [], info: { args: {}, resourceUID: overridable.target } }
              : overrideValue;
          } else {
            value = await next(root, args, context, info);
          }
          return uid ? personalizeValue(uid, value, context, args, single) : value;
        };
      },
    });
    return { types: [metaType, ...metaFields], plugins: [plugin] };
  });
};
