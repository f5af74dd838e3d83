/** Contextual bandits (docs/experiments.md, "Contextual bandits"): the learned tree of rules and its assignment, pure. */
export { assignContextual, contextualLeafIndex } from './assign';
export type { ContextualAssignment } from './assign';
export {
  bucketNumber,
  cellSignals,
  cellValue,
  contextualCell,
  contextualCellKey,
  parseContextualCellKey,
  DEFAULT_CONTEXTUAL_CUTS,
  MAX_CATEGORY_VALUES,
  OTHER as CONTEXT_OTHER,
} from './cells';
export type { ContextualAttribute, ContextValue, FittedAttribute } from './cells';
export {
  DEFAULT_MAX_LEAVES,
  DEFAULT_MIN_UNITS_PER_LEAF,
  fitContextualModel,
  MERGE_P_BEST,
  PRIOR_UNITS,
  SPLIT_ALPHA,
} from './fit';
export type {
  ContextualArmCounts,
  ContextualCellCounts,
  ContextualLeaf,
  ContextualModel,
  ContextualOptions,
  ContextualTest,
} from './fit';
export { snipsEstimate, SNIPS_Z } from './policy';
export type { SnipsEstimate, SnipsGroup } from './policy';
