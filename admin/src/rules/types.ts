import type { RuleGroupType, RuleType } from 'react-querybuilder';

export type { RuleGroupType, RuleType };

/** A JSON-logic rule as the engine and the variants field store it. */
export type JsonLogic = unknown;

/** Pseudo-fields of the builder that are not signals. */
export const AUDIENCE_FIELD = '$audience';
export const EXPERIMENT_FIELD = '$experiment';
export const JSON_FIELD = '$json';

/**
 * Operators of the visual builder. Each maps to one JSON-logic shape (see jsonLogic.ts); a rule the
 * builder cannot show is kept verbatim as a `$json` rule, so nothing is ever lost.
 */
export type BuilderOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'between'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'doesNotContain'
  | 'beginsWith'
  | 'endsWith'
  | 'isSet'
  | 'isNotSet'
  | 'json';

export const isGroup = (item: RuleType | RuleGroupType): item is RuleGroupType =>
  Array.isArray((item as RuleGroupType).rules);
