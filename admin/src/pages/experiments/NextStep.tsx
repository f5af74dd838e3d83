import { useState } from 'react';

import { Button, Flex, Typography } from '@strapi/design-system';
import { PaperPlane } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { shipExperimentArm, type Experiment, type ExperimentResults } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Section } from '../../components/Section';
import type { T } from '../../experiments/i18n';
import { BANDIT_SHIP_P_BEST, MIN_DAYS, nextStep, shipSummary, type NextStep } from '../../experiments/next-step';
import { errorMessage } from '../../utils/api';
import { usePercent, type ChartArm } from './charts';

/** The step in words (docs/experiments.md, "What to do next"). */
const useStepText = (t: T, label: (key: string) => string) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const signed = (lift: number) => `${lift > 0 ? '+' : ''}${percent(lift)}`;
  return (step: NextStep): string[] => {
    switch (step.kind) {
      case 'not-started':
        return [t('next.notStarted', 'Start the experiment: there is nothing to decide yet.')];
      case 'stopped':
        return [t('next.stopped', 'The experiment is stopped: these results are final. To roll an arm out now, edit the entry’s variants.')];
      case 'fix-srm':
        return [t('next.fixSrm', 'Fix the traffic split first (see above): no decision can be trusted while it is off.')];
      case 'wait-for-data':
        return [t('next.waitForData', 'Keep running: there is no estimate yet (every arm needs visitors, and the baseline conversions).')];
      case 'ship': {
        const arm = label(step.arm);
        const why =
          step.reason === 'better'
            ? t('next.ship.better', 'Ship {arm}: its always-valid interval lies entirely above 0%, so it beats the baseline, however often you looked.', { arm })
            : step.reason === 'baseline'
              ? t('next.ship.baseline', 'Keep the baseline, {arm}: every other arm does worse (their always-valid intervals lie below 0%). Shipping it disables the other arms’ variants.', { arm })
              : t('next.ship.bandit', 'Ship {arm}: it has a {pBest} chance of being the best arm.', { arm, pBest: percent(step.pBest ?? 0) });
        if (step.canShip) return [why];
        return [
          why,
          step.blocked === 'multivariate'
            ? t(
                'next.ship.multivariate',
                'A multivariate test’s cell merges one variant of each factor only while the test runs, so it cannot be shipped as it is: edit the entry to give it that cell’s content (or one variant with the merged overrides), then stop the test.'
              )
            : t(
                'next.ship.siteWide',
                'This experiment is site-wide: its arms are names that variant conditions of any entry test, so there is no entry to ship to. Stop it, then edit the variants that reference it.'
              ),
        ];
      }
      case 'keep-running': {
        const lines = [
          t(
            'next.keepRunning',
            'Keep running until about {more} more visitors ({needed} in all): if the true lift of {arm} is the {lift} observed so far, the always-valid interval then excludes 0% with 80% probability. A smaller lift takes longer.',
            { more: formatNumber(step.moreVisitors), needed: formatNumber(step.visitorsNeeded), arm: label(step.arm), lift: signed(step.lift) }
          ),
        ];
        if (step.days !== null) lines.push(t('next.keepRunning.days', 'At the current pace, about {days} more days.', { days: formatNumber(Math.ceil(step.days)) }));
        if (step.untilFullWeek) lines.push(t('next.keepRunning.week', 'Run at least {days} days in all, whatever the numbers say: weekdays and weekends differ.', { days: MIN_DAYS }));
        return lines;
      }
      case 'keep-running-bandit':
        return [
          t('next.bandit', 'Keep running: the weights move towards the better arms as data comes in. Ship when one arm’s chance of being the best reaches {threshold}.', {
            threshold: percent(BANDIT_SHIP_P_BEST),
          }),
          ...(step.leader !== null && step.pBest !== null
            ? [t('next.bandit.leader', 'So far {arm} leads, with a {pBest} chance of being the best.', { arm: label(step.leader), pBest: percent(step.pBest) })]
            : []),
        ];
      case 'stop':
        return [
          step.reason === 'likely-smaller'
            ? t(
                'next.stop.likelySmaller',
                'Consider stopping: the experiment already has the visitors to detect a lift of {lift} for {arm}, and has not: its true lift is probably smaller. If a smaller lift does not matter to you, stop and keep the baseline.',
                { arm: label(step.arm), lift: signed(step.lift) }
              )
            : step.moreVisitors !== null && step.days !== null
              ? t(
                  'next.stop.tooSmall',
                  'Consider stopping: the observed lift of {arm} ({lift}) is so small that confirming it would take about {more} more visitors, {days} more days at the current pace. If a lift that small does not matter to you, stop and keep the baseline.',
                  { arm: label(step.arm), lift: signed(step.lift), more: formatNumber(step.moreVisitors), days: formatNumber(Math.ceil(step.days)) }
                )
              : t(
                  'next.stop.unreachable',
                  'Consider stopping: the observed lift of {arm} ({lift}) is too small to confirm with any number of visitors this experiment can get. If a lift that small does not matter to you, stop and keep the baseline.',
                  { arm: label(step.arm), lift: signed(step.lift) }
                ),
        ];
    }
  };
};

/**
 * "What to do next": ship the winner (a button, for an experiment that targets an entry), keep running until
 * N more visitors, or stop. Shipping asks first: it edits the entry and stops the experiment, which is final.
 */
export const NextStepCard = ({
  experiment,
  results,
  arms,
  canManage,
  onShipped,
  t,
}: {
  experiment: Experiment;
  results: ExperimentResults;
  arms: ChartArm[];
  canManage: boolean;
  onShipped: (experiment: Experiment) => void;
  t: T;
}) => {
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const [confirming, setConfirming] = useState(false);
  const [shipping, setShipping] = useState(false);
  const label = (key: string) => arms.find((arm) => arm.key === key)?.label ?? key;
  const text = useStepText(t, label);
  const step = nextStep(experiment, results);
  const shippable = step.kind === 'ship' && step.canShip && canManage && (experiment.status === 'running' || experiment.status === 'paused');
  const ids = (list: string[]) => (list.length > 0 ? list.join(', ') : t('ship.none', 'none'));

  const ship = async (arm: string) => {
    setShipping(true);
    try {
      const result = await shipExperimentArm(client, experiment.documentId, arm);
      toggleNotification({
        type: 'success',
        message: result.entry.published
          ? t('ship.done', '{arm} is shipped: the entry serves its variants, and the experiment is stopped.', { arm: label(arm) })
          : t('ship.doneDraft', '{arm} is shipped to the entry’s draft (the entry is not published: publish it to serve it). The experiment is stopped.', {
              arm: label(arm),
            }),
      });
      setConfirming(false);
      onShipped(result.experiment);
    } catch (reason) {
      setConfirming(false);
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setShipping(false);
    }
  };

  const summary = step.kind === 'ship' ? shipSummary(experiment.arms, step.arm) : null;
  return (
    <Section
      title={t('next.title', 'What to do next')}
      description={
        results.mode === 'bandit'
          ? t('next.description.bandit', 'Read from each arm’s chance of being the best (P(best)): a bandit’s lifts are descriptive.')
          : t('next.description', 'Read from the primary goal’s always-valid interval, the one that stays valid however often you look.')
      }
      testId="next-step"
    >
      <Flex direction="column" alignItems="stretch" gap={2} data-testid={`next-step-${step.kind}`}>
        {[
          ...(experiment.status === 'paused' && (step.kind === 'keep-running' || step.kind === 'keep-running-bandit' || step.kind === 'wait-for-data')
            ? [t('next.paused', 'The experiment is paused: no new visitor joins it. Resume it to go on.')]
            : []),
          ...text(step),
        ].map((line) => (
          <Typography key={line}>{line}</Typography>
        ))}
      </Flex>
      {shippable && step.kind === 'ship' && summary ? (
        <Flex gap={2}>
          <Button startIcon={<PaperPlane />} onClick={() => setConfirming(true)} data-testid="ship-button">
            {t('ship.button', 'Ship {arm}', { arm: label(step.arm) })}
          </Button>
          <ConfirmDialog
            open={confirming}
            onCancel={() => setConfirming(false)}
            onConfirm={() => void ship(step.arm)}
            pending={shipping}
            title={t('ship.title', 'Ship {arm} and stop the experiment?', { arm: label(step.arm) })}
            description={t(
              'ship.body',
              'The variants of {arm} ({first}) come first in the entry’s variants, and the other arms’ variants ({disabled}) are disabled; the entry’s other variants stay as they are. The entry is saved, and published again if it is published.',
              { arm: label(step.arm), first: ids(summary.first), disabled: ids(summary.disabled) }
            )}
            note={t('ship.note', 'Then the experiment stops: that is final.')}
            cancelLabel={t('cancel', 'Cancel')}
            confirmLabel={t('ship.confirm', 'Ship and stop')}
          />
        </Flex>
      ) : null}
    </Section>
  );
};
