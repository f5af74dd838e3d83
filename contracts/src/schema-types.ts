/**
 * The parts of Strapi's content-type and component schemas this plugin reads. Strapi's own
 * `Schema.Attribute.AnyAttribute` union is deeply generic; these structural types cover what we use.
 */
export interface AttributeLike {
  type: string;
  required?: boolean;
  private?: boolean;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  min?: number | string;
  max?: number | string;
  multiple?: boolean;
  relation?: string;
  target?: string;
  component?: string;
  repeatable?: boolean;
  components?: string[];
  customField?: string;
  allowedTypes?: string[];
  pluginOptions?: Record<string, unknown>;
}

export interface SchemaLike {
  uid: string;
  modelType?: 'contentType' | 'component';
  kind?: 'collectionType' | 'singleType';
  info?: { singularName?: string; pluralName?: string; displayName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } } & Record<string, unknown>;
  attributes: Record<string, AttributeLike>;
}

export const isRelationToMany = (attribute: AttributeLike): boolean =>
  typeof attribute.relation === 'string' && /ToMany$/i.test(attribute.relation);
