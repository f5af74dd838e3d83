import { Box, Checkbox, Field, Flex, NumberInput, Typography } from '@strapi/design-system';

import type { Audience } from '../../../api';
import { Section } from '../../../components/Section';
import { RuleBuilder } from '../../../components/RuleBuilder/RuleBuilder';
import type { CardProps } from './props';

/** Who takes part: the traffic share and, optionally, an eligibility condition. */
export const AudienceCard = ({
  draft,
  change,
  errors,
  readOnly,
  audiences,
  onValidityChange,
  t,
}: CardProps & { audiences: Audience[] | null; onValidityChange: (valid: boolean) => void }) => (
  <Section title={t('section.audience', 'Who takes part')}>
    <Box maxWidth="24rem">
      <Field.Root
        name="experiment-traffic"
        required
        error={errors.traffic}
        hint={t(
          'field.traffic.hint',
          'Share of eligible visitors in the experiment; the others see the entry as usual. Raising it only adds visitors.'
        )}
      >
        <Field.Label>{t('field.traffic', 'Traffic (%)')}</Field.Label>
        <NumberInput
          value={draft.trafficPercent ?? undefined}
          disabled={readOnly}
          onValueChange={(value: number | undefined) => change({ ...draft, trafficPercent: value ?? null })}
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Box>
    <Checkbox
      checked={draft.condition !== null}
      disabled={readOnly}
      onCheckedChange={(checked: boolean | 'indeterminate') =>
        change({ ...draft, condition: checked === true ? { '==': [{ var: 'context.device' }, 'mobile'] } : null })
      }
    >
      {t('field.eligibility', 'Only visitors who match a condition')}
    </Checkbox>
    {draft.condition !== null ? (
      <Flex direction="column" alignItems="stretch" gap={2} data-testid="eligibility">
        <RuleBuilder
          value={draft.condition}
          audiences={audiences}
          onValidityChange={onValidityChange}
          disabled={readOnly}
          onChange={(condition) => change({ ...draft, condition })}
        />
        {errors.condition ? (
          <Typography variant="pi" textColor="danger600" role="alert">
            {errors.condition}
          </Typography>
        ) : null}
      </Flex>
    ) : (
      <Typography variant="pi" textColor="neutral600">
        {t('field.eligibility.everyone', 'Every visitor with an id and consent to events can take part.')}
      </Typography>
    )}
  </Section>
);
