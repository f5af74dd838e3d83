import { Field, Grid, NumberInput, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';

import type { GoalDraft } from '../../../experiments/draft';
import type { T } from '../../../experiments/i18n';

/** A goal's event, kind, window and (mean goals) cap; field errors under `<prefix>.event`, `.kind`, `.windowHours`, `.cap`. */
export const GoalFields = ({
  goal,
  prefix,
  errors,
  disabled,
  locked,
  t,
  onChange,
}: {
  goal: GoalDraft;
  prefix: string;
  errors: Record<string, string | undefined>;
  disabled: boolean;
  /** Started: the event, kind and cap are fixed (counts are per goal, of capped values); the window may change. */
  locked: boolean;
  t: T;
  onChange: (goal: GoalDraft) => void;
}) => {
  const name = prefix.replace(/\./g, '-');
  return (
    <Grid.Root gap={4}>
      <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
        <Field.Root
          name={`${name}-event`}
          required
          error={errors[`${prefix}.event`]}
          hint={t('field.goal.event.hint', 'As the site sends it: pz.track("signup")')}
        >
          <Field.Label>{t('field.goal.event', 'Event name')}</Field.Label>
          <TextInput
            value={goal.event}
            disabled={disabled || locked}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange({ ...goal, event: event.target.value })}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
        <Field.Root name={`${name}-kind`} error={errors[`${prefix}.kind`]}>
          <Field.Label>{t('field.goal.kind', 'Measured as')}</Field.Label>
          <SingleSelect
            value={goal.kind}
            disabled={disabled || locked}
            onChange={(value: string | number) => onChange({ ...goal, kind: value === 'mean' ? 'mean' : 'conversion' })}
          >
            <SingleSelectOption value="conversion">
              {t('goal.conversion', 'Conversion rate (did the visitor send it?)')}
            </SingleSelectOption>
            <SingleSelectOption value="mean">
              {t('goal.mean', 'Mean value per visitor (sum of the events’ values)')}
            </SingleSelectOption>
          </SingleSelect>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
        <Field.Root name={`${name}-window`} required error={errors[`${prefix}.windowHours`]}>
          <Field.Label>{t('field.goal.window', 'Window (hours after first exposure)')}</Field.Label>
          <NumberInput
            value={goal.windowHours ?? undefined}
            disabled={disabled}
            onValueChange={(value: number | undefined) => onChange({ ...goal, windowHours: value ?? null })}
          />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      {goal.kind === 'mean' ? (
        <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
          <Field.Root
            name={`${name}-cap`}
            error={errors[`${prefix}.cap`]}
            hint={t(
              'field.goal.cap.hint',
              'Optional. A visitor’s total above it counts as the cap (below −cap as −cap), so one outlier or bot cannot swamp the mean.'
            )}
          >
            <Field.Label>{t('field.goal.cap', 'Cap per visitor')}</Field.Label>
            <NumberInput
              value={goal.cap ?? undefined}
              disabled={disabled || locked}
              onValueChange={(value: number | undefined) => onChange({ ...goal, cap: value ?? null })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
      ) : null}
    </Grid.Root>
  );
};
