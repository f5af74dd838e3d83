import { Field, Grid, NumberInput, Toggle, Typography } from '@strapi/design-system';

import { Section } from '../../../components/Section';
import type { CardProps } from './props';

/**
 * CUPED (docs/experiments.md, "CUPED"): on by default with a 14-day lookback; off keeps the lookback. Fixed once
 * started: the covariate of the visitors already counted came from the lookback in force at their exposure.
 */
export const CupedCard = ({ draft, change, errors, readOnly, started, t }: CardProps) => {
  const disabled = readOnly || started;
  return (
    <Section title={t('section.cuped', 'Variance reduction (CUPED)')}>
      <Typography variant="pi" textColor="neutral600">
        {t(
          'cuped.description',
          'Uses what each visitor did on the same goal in the days before their first exposure to take noise out of the comparison: the same precision with fewer visitors. The results page shows the raw and the adjusted numbers.'
        )}
      </Typography>
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Field.Root name="cuped-enabled" error={errors.cuped} hint={started ? t('cuped.fixed', 'Fixed once the experiment has started') : undefined}>
            <Field.Label>{t('cuped.enabled', 'CUPED')}</Field.Label>
            <Toggle
              onLabel={t('cuped.on', 'On')}
              offLabel={t('cuped.off', 'Off')}
              checked={draft.cuped.enabled}
              disabled={disabled}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => change({ ...draft, cuped: { ...draft.cuped, enabled: event.target.checked } })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Field.Root
            name="cuped-lookbackDays"
            error={errors['cuped.lookbackDays']}
            hint={t('cuped.lookbackHint', '1 to 60 days before the first exposure (empty: 14)')}
          >
            <Field.Label>{t('cuped.lookback', 'Lookback (days)')}</Field.Label>
            <NumberInput
              value={draft.cuped.lookbackDays ?? undefined}
              disabled={disabled || !draft.cuped.enabled}
              onValueChange={(value: number | undefined) => change({ ...draft, cuped: { ...draft.cuped, lookbackDays: value ?? null } })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
    </Section>
  );
};
