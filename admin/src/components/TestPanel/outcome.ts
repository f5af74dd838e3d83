import type { ExperimentReason } from '../../../../contracts/src/reason';
import type { VariantOutcome, VariantsEvaluation } from '../../api';
import { getTranslation, type FormatMessage } from '../../utils/getTranslation';

type BadgeTone = 'success' | 'danger' | 'secondary' | 'warning';

export const BADGE_VARIANT: Record<BadgeTone, 'success' | 'neutral' | 'secondary' | 'warning'> = {
  success: 'success',
  danger: 'neutral',
  secondary: 'secondary',
  warning: 'warning',
};

/** The visitor's arm of a running experiment on the entry, when it decided which variants could take part. */
export const experimentArm = (result: VariantsEvaluation): ExperimentReason | undefined =>
  result.reason.find((entry): entry is ExperimentReason => entry.rule === 'experiment');

/** One variant's badge in the live test. */
export const outcomeStatus = (outcome: VariantOutcome, formatMessage: FormatMessage, arm: ExperimentReason | undefined): { label: string; variant: BadgeTone } => {
  if (outcome.matched === null) {
    return { label: formatMessage({ id: getTranslation('testPanel.status.disabled'), defaultMessage: 'disabled' }), variant: 'secondary' };
  }
  if (outcome.error) return { label: formatMessage({ id: getTranslation('testPanel.status.error'), defaultMessage: 'error' }), variant: 'warning' };
  if (outcome.capped) return { label: formatMessage({ id: getTranslation('testPanel.status.capped'), defaultMessage: 'capped' }), variant: 'warning' };
  // The visitor's experiment arm leaves this variant out: its condition matching serves nothing.
  if (outcome.matched && arm && !arm.variants.includes(outcome.id)) {
    return { label: formatMessage({ id: getTranslation('testPanel.status.notInArm'), defaultMessage: 'matches, not in arm {arm}' }, { arm: arm.arm }), variant: 'secondary' };
  }
  return outcome.matched
    ? { label: formatMessage({ id: getTranslation('testPanel.status.matches'), defaultMessage: 'matches' }), variant: 'success' }
    : { label: formatMessage({ id: getTranslation('testPanel.status.noMatch'), defaultMessage: 'no match' }), variant: 'danger' };
};

/**
 * The result's headline: the variant served; or, in an experiment's control arm, that the entry is
 * served as it is (not "no variant matches" above variants that do match); or that none matched.
 */
export const resultHeadline = (result: VariantsEvaluation, formatMessage: FormatMessage): { title: string; body: string } => {
  const winner = result.variants.find((outcome) => outcome.id === result.variant);
  if (winner) {
    return { title: formatMessage({ id: getTranslation('testPanel.served'), defaultMessage: 'Served:' }), body: `${winner.name} (${winner.id})` };
  }
  const unchanged = formatMessage({ id: getTranslation('testPanel.unchanged'), defaultMessage: 'the entry is served unchanged.' });
  const arm = experimentArm(result);
  if (!arm) return { title: formatMessage({ id: getTranslation('testPanel.noWinner'), defaultMessage: 'No variant matches:' }), body: unchanged };
  const experiment = result.experiments?.[arm.experiment]?.name ?? arm.experiment;
  if (arm.variants.length === 0) {
    return {
      title: formatMessage({ id: getTranslation('testPanel.controlArm'), defaultMessage: 'Control arm of experiment “{experiment}”:' }, { experiment }),
      body: formatMessage({ id: getTranslation('testPanel.controlArm.body'), defaultMessage: 'the entry is served as it is, no variant takes part.' }),
    };
  }
  return {
    title: formatMessage(
      { id: getTranslation('testPanel.noWinnerInArm'), defaultMessage: 'No variant of arm “{arm}” (experiment “{experiment}”) matches:' },
      { arm: arm.arm, experiment }
    ),
    body: unchanged,
  };
};
