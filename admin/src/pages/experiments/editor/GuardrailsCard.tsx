import { Box, Button, Field, Flex, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import { EXPERIMENT_LIMITS } from '../../../../../contracts/src/experiments';
import { Section } from '../../../components/Section';
import { emptyGuardrail } from '../../../experiments/draft';
import { GoalFields } from './GoalFields';
import type { CardProps } from './props';

/** Guardrails (docs/experiments.md, "Guardrails"): goals a winner must not harm, each with its good direction. */
export const GuardrailsCard = ({ draft, change, errors, readOnly, started, t }: CardProps) => (
  <Section
    title={t('section.guardrails', 'Guardrails')}
    description={t(
      'section.guardrails.description',
      'Goals a winner must not harm. When an arm’s sequential interval lies wholly on the wrong side, the results page shows a red banner, and a bandit stops sending it more visitors.'
    )}
  >
    {draft.guardrails.map((guardrail, index) => (
      <Box key={index} paddingTop={4} data-testid={`guardrail-${index}`}>
        <Flex justifyContent="space-between" alignItems="center" paddingBottom={2}>
          <Typography variant="sigma">{t('guardrails.title', 'Guardrail {n}', { n: index + 1 })}</Typography>
          <IconButton
            label={t('guardrails.remove', 'Remove guardrail {n}', { n: index + 1 })}
            disabled={readOnly || started}
            variant="ghost"
            onClick={() => change({ ...draft, guardrails: draft.guardrails.filter((_, position) => position !== index) })}
          >
            <Trash />
          </IconButton>
        </Flex>
        <GoalFields
          goal={guardrail}
          prefix={`guardrails.${index}`}
          errors={errors}
          disabled={readOnly}
          locked={started}
          t={t}
          onChange={(next) =>
            change({
              ...draft,
              guardrails: draft.guardrails.map((current, position) => (position === index ? { ...next, direction: current.direction } : current)),
            })
          }
        />
        <Box paddingTop={4} maxWidth="24rem">
          <Field.Root name={`guardrails-${index}-direction`} error={errors[`guardrails.${index}.direction`]}>
            <Field.Label>{t('field.guardrail.direction', 'Good when it')}</Field.Label>
            <SingleSelect
              value={guardrail.direction}
              disabled={readOnly}
              onChange={(value: string | number) =>
                change({
                  ...draft,
                  guardrails: draft.guardrails.map((current, position) =>
                    position === index ? { ...current, direction: value === 'increase' ? 'increase' : 'decrease' } : current
                  ),
                })
              }
            >
              <SingleSelectOption value="decrease">{t('guardrail.decrease', 'goes down (refunds, errors)')}</SingleSelectOption>
              <SingleSelectOption value="increase">{t('guardrail.increase', 'goes up (retention, engagement)')}</SingleSelectOption>
            </SingleSelect>
            <Field.Error />
          </Field.Root>
        </Box>
      </Box>
    ))}
    <Box paddingTop={4}>
      <Button
        variant="secondary"
        startIcon={<Plus />}
        disabled={readOnly || started || draft.guardrails.length >= EXPERIMENT_LIMITS.maxGuardrails}
        onClick={() => change({ ...draft, guardrails: [...draft.guardrails, emptyGuardrail()] })}
      >
        {t('guardrails.add', 'Add a guardrail')}
      </Button>
    </Box>
  </Section>
);
