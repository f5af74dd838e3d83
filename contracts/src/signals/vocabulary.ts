import { z } from 'zod';

import { signalsSchema } from './schema';

export type SignalType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface SignalDescriptor {
  /** Dotted path as a condition reads it with `{"var": path}`. */
  path: string;
  group: string;
  type: SignalType;
  description?: string;
  source?: string;
  values?: string[];
  minimum?: number;
  maximum?: number;
  /** Element type for arrays, value type for maps (`profile.interests`, `experiments`, `custom`). */
  items?: SignalType | 'mixed';
  /** A map whose keys are chosen by the site (`experiments.{key}`, `custom.{name}`). */
  keyed?: boolean;
}

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  source?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

const primaryType = (node: JsonSchemaNode): SignalType | 'mixed' => {
  if (node.anyOf) return 'mixed';
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  return (type ?? 'object') as SignalType;
};

const describeLeaf = (path: string, group: string, node: JsonSchemaNode, source?: string): SignalDescriptor => {
  const type = primaryType(node);
  const descriptor: SignalDescriptor = { path, group, type: type === 'mixed' ? 'string' : type };
  if (node.description) descriptor.description = node.description;
  if (node.source ?? source) descriptor.source = node.source ?? source;
  if (node.enum) descriptor.values = node.enum.map(String);
  if (node.minimum !== undefined) descriptor.minimum = node.minimum;
  if (node.maximum !== undefined) descriptor.maximum = node.maximum;
  if (node.items) descriptor.items = primaryType(node.items);
  return descriptor;
};

const walk = (node: JsonSchemaNode, path: string[], out: SignalDescriptor[], inheritedSource?: string) => {
  const source = node.source ?? inheritedSource;
  if (node.properties) {
    for (const [key, child] of Object.entries(node.properties)) {
      walk(child, [...path, key], out, source);
    }
    return;
  }
  const group = path[0];
  const descriptor = describeLeaf(path.join('.'), group, node, source);
  if (typeof node.additionalProperties === 'object') {
    descriptor.keyed = true;
    descriptor.items = primaryType(node.additionalProperties);
  }
  out.push(descriptor);
};

const buildVocabulary = () => {
  const jsonSchema = z.toJSONSchema(signalsSchema, { unrepresentable: 'any' }) as JsonSchemaNode;
  const signals: SignalDescriptor[] = [];
  walk(jsonSchema, [], signals);
  return { groups: ['context', 'time', 'behavior', 'session', 'profile', 'experiments', 'custom'], signals, jsonSchema };
};

export type SignalVocabulary = ReturnType<typeof buildVocabulary>;

let vocabulary: SignalVocabulary | undefined;

/** The vocabulary never changes at runtime: build it once. */
export const getSignalVocabulary = (): SignalVocabulary => {
  vocabulary ??= buildVocabulary();
  return vocabulary;
};
