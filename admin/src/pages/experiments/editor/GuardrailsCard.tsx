import { Box, Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';

import { EXPERIMENT_LIMITS } from '../../../../../contracts/src/experiments';
import { Section } from '../../../components/Section';
import { emptyGuardrail, type GuardrailDraft } from '../../../experiments/draft';
import { GoalList } from './GoalList';
import type { CardProps } from './props';

/** Guardrails (docs/experiments.md, "Guardrails"): goals a winner must not harm, each with its good direction. */
export const GuardrailsCard = ({ draft, change, errors, readOnly, started, t }: CardProps) => {
  const setGuardrails = (guardrails: GuardrailDraft[]) => change({ ...draft, guardrails });
  return (
    <Section
      title={t('section.guardrails', 'Guardrails')}
      description={t(
        'section.guardrails.description',
        'Goals a winner must not harm. When an arm’s sequential interval lies wholly on the wrong side, the results page shows a red banner, and a bandit stops sending it more visitors.'
      )}
    >
      <GoalList
        goals={draft.guardrails}
        path="guardrails"
        testId="guardrail"
        title={(n) => t('guardrails.title', 'Guardrail {n}', { n })}
        removeLabel={(n) => t('guardrails.remove', 'Remove guardrail {n}', { n })}
        addLabel={t('guardrails.add', 'Add a guardrail')}
        max={EXPERIMENT_LIMITS.maxGuardrails}
        create={emptyGuardrail}
        onChange={setGuardrails}
        errors={errors}
        readOnly={readOnly}
        started={started}
        t={t}
        extra={(guardrail, index) => (
          <Box paddingTop={4} maxWidth="24rem">
            <Field.Root name={`guardrails-${index}-direction`} error={errors[`guardrails.${index}.direction`]}>
              <Field.Label>{t('field.guardrail.direction', 'Good when it')}</Field.Label>
              <SingleSelect
                value={guardrail.direction}
                disabled={readOnly}
                onChange={(value: string | number) =>
                  setGuardrails(
                    draft.guardrails.map((current, position) =>
                      position === index ? { ...current, direction: value === 'increase' ? 'increase' : 'decrease' } : current
                    )
                  )
                }
              >
                <SingleSelectOption value="decrease">{t('guardrail.decrease', 'goes down (refunds, errors)')}</SingleSelectOption>
                <SingleSelectOption value="increase">
                  {t('guardrail.increase', 'goes up (retention, engagement)')}
                </SingleSelectOption>
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          </Box>
        )}
      />
    </Section>
  );
};
