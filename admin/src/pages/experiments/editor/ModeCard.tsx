import { Field, Grid, NumberInput, Radio, Typography } from '@strapi/design-system';

import type { ExperimentMode } from '../../../../../contracts/src/experiments';

import { Section } from '../../../components/Section';
import { modeLabel } from '../../../experiments/i18n';
import { emptyDraft, newFactor, type ExperimentDraft } from '../../../experiments/draft';
import type { T } from '../../../experiments/i18n';
import { evenPercents } from '../../../experiments/weights';
import { ContextualFields } from './ContextualFields';
import { factorNames } from './FactorsCard';
import type { CardProps } from './props';

const modeOf = (value: string): ExperimentMode =>
  value === 'bandit' || value === 'contextual' || value === 'multivariate' ? value : 'ab';

/**
 * The draft in another mode: a bandit's arms split evenly; a multivariate test starts with one factor of two
 * levels; leaving it, arms that were its cells (keys with "|", a stored multivariate draft) become control and
 * treatment again.
 */
const withMode = (draft: ExperimentDraft, mode: ExperimentMode, t: T): ExperimentDraft => {
  const arms = draft.arms.some((arm) => arm.key.includes('|'))
    ? emptyDraft({ control: t('arms.control', 'Control'), treatment: t('arms.treatment', 'Variants') }).arms
    : draft.arms;
  if (mode === 'multivariate') {
    return { ...draft, mode, factors: draft.factors.length > 0 ? draft.factors : [newFactor([], factorNames(t))] };
  }
  const percents = evenPercents(arms.length);
  return { ...draft, mode, arms: mode !== 'ab' ? arms.map((arm, index) => ({ ...arm, percent: percents[index] })) : arms };
};

/** A/B test, bandit, contextual bandit or multivariate test, and the bandit's settings (a contextual bandit refits under the same). */
export const ModeCard = (props: CardProps) => {
  const { draft, change, errors, readOnly, started, t } = props;
  return (
    <Section title={t('section.mode', 'Mode')}>
      <Radio.Group
        aria-label={t('section.mode', 'Mode')}
        value={draft.mode}
        disabled={readOnly || started}
        onValueChange={(value: string) => change(withMode(draft, modeOf(value), t))}
      >
        <Radio.Item value="ab">{modeLabel('ab', t)}</Radio.Item>
        <Radio.Item value="bandit">{modeLabel('bandit', t)}</Radio.Item>
        <Radio.Item value="contextual">{modeLabel('contextual', t)}</Radio.Item>
        <Radio.Item value="multivariate">{modeLabel('multivariate', t)}</Radio.Item>
      </Radio.Group>
      <Typography variant="pi" textColor="neutral600">
        {draft.mode === 'multivariate'
          ? t(
              'mode.multivariate.description',
              'Several changes tested at once: each factor’s levels are split evenly and independently, so one experiment tells each change’s effect and whether two changes work better together.'
            )
          : draft.mode === 'contextual'
          ? t(
              'mode.contextual.description',
              'The weights depend on who the visitor is: the plugin learns a few rules from the signals below (for example “mobile and first visit”), each with its own weights, refitted as the bandit updates. You can read each rule, try it in the live test, and freeze it into an ordinary variant.'
            )
          : draft.mode === 'bandit'
            ? t(
                'mode.bandit.description',
                'The weights start as above, then move towards the arms that do best, once a day by default and once every arm has 100 visitors. Good to earn while testing; its lift estimates are less precise.'
              )
            : t('mode.ab.description', 'The weights stay as set: the cleanest comparison of the arms.')}
      </Typography>
      {draft.mode === 'contextual' ? <ContextualFields {...props} /> : null}
      {draft.mode === 'bandit' || draft.mode === 'contextual' ? (
        <Grid.Root gap={4}>
          {(
            [
              ['cadenceMinutes', t('bandit.cadence', 'Update every (minutes)'), errors['bandit.cadenceMinutes']],
              ['burnInMinutes', t('bandit.burnIn', 'Burn-in before the first update (minutes)'), errors['bandit.burnInMinutes']],
              ['minUnitsPerArm', t('bandit.minUnits', 'Visitors per arm before updating'), errors['bandit.minUnitsPerArm']],
              ['minWeightPercent', t('bandit.minWeight', 'Smallest weight of an arm (%)'), errors['bandit.minWeight']],
            ] as const
          ).map(([name, label, error]) => (
            <Grid.Item key={name} col={3} s={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name={`bandit-${name}`} error={error} hint={t('bandit.default', 'Empty: the plugin’s configuration')}>
                <Field.Label>{label}</Field.Label>
                <NumberInput
                  value={draft.bandit[name] ?? undefined}
                  disabled={readOnly}
                  onValueChange={(value: number | undefined) =>
                    change({ ...draft, bandit: { ...draft.bandit, [name]: value ?? null } })
                  }
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
          ))}
        </Grid.Root>
      ) : null}
    </Section>
  );
};
