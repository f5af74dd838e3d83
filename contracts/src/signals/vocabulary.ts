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

/** Keys a sample gives keyed maps (`experiments.{key}`, `custom.{name}`, `profile.interests.{tag}`). */
const SAMPLE_KEY = 'sample';
/** Strings in a sample are at most this long (a signal's own maximum may be larger). */
const SAMPLE_STRING_LENGTH = 64;
/** Arrays in a sample are filled up to their maximum, at most this many items. */
const SAMPLE_ARRAY_LENGTH = 100;

interface SampleSchemaNode extends JsonSchemaNode {
  maxLength?: number;
  maxItems?: number;
}

const sampleOf = (node: SampleSchemaNode): unknown => {
  if (node.enum && node.enum.length > 0) return node.enum[0];
  if (node.anyOf && node.anyOf.length > 0) return sampleOf(node.anyOf[0]);
  if (node.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) out[key] = sampleOf(child);
    return out;
  }
  if (typeof node.additionalProperties === 'object') return { [SAMPLE_KEY]: sampleOf(node.additionalProperties) };
  switch (primaryType(node)) {
    case 'string':
      return 's'.repeat(Math.min(node.maxLength ?? SAMPLE_STRING_LENGTH, SAMPLE_STRING_LENGTH));
    case 'number':
    case 'integer':
      return node.maximum ?? 1;
    case 'boolean':
      return true;
    case 'array': {
      const length = Math.min(node.maxItems ?? SAMPLE_ARRAY_LENGTH, SAMPLE_ARRAY_LENGTH);
      return Array.from({ length }, () => (node.items ? sampleOf(node.items) : 's'));
    }
    default:
      return {};
  }
};

let sample: Record<string, unknown> | undefined;

/**
 * A full set of signals made from the vocabulary: every signal present, strings of up to 64 characters,
 * arrays filled to their maximum (up to 100 items), numbers at their maximum. Conditions are dry-run
 * against it on save: one that runs out of its work budget here would on every request (docs/engine.md).
 */
export const vocabularySample = (): Record<string, unknown> => {
  sample ??= sampleOf(getSignalVocabulary().jsonSchema) as Record<string, unknown>;
  return sample;
};
