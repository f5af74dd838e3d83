import { Field, Grid, TextInput, Textarea } from '@strapi/design-system';

import { Section } from '../../../components/Section';
import { slugify } from '../../../experiments/draft';
import type { TargetType } from '../useTargets';
import type { CardProps } from './props';
import { TargetFields } from './TargetFields';

/** What is tested: name, key, hypothesis, and the target (an entry's variants, or site-wide arms). */
export const AboutCard = ({
  draft,
  change,
  errors,
  readOnly,
  started,
  types,
  type,
  t,
}: CardProps & { types: TargetType[] | null; type: TargetType | undefined }) => (
  <Section title={t('section.about', 'What is tested')}>
    <Grid.Root gap={4}>
      <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
        <Field.Root name="experiment-name" required error={errors.name}>
          <Field.Label>{t('field.name', 'Name')}</Field.Label>
          <TextInput
            value={draft.name}
            disabled={readOnly}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
              change({
                ...draft,
                name: event.target.value,
                key: started || draft.key !== slugify(draft.name) ? draft.key : slugify(event.target.value),
              })
            }
          />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
        <Field.Root
          name="experiment-key"
          required
          error={errors.key}
          hint={
            started
              ? t('field.key.locked', 'Fixed once started: visitors are bucketed by it')
              : t('field.key.hint', 'Visitors are bucketed by it; conditions reference it')
          }
        >
          <Field.Label>{t('field.key', 'Key')}</Field.Label>
          <TextInput
            value={draft.key}
            disabled={readOnly || started}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => change({ ...draft, key: event.target.value })}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={12} direction="column" alignItems="stretch">
        <Field.Root
          name="experiment-hypothesis"
          error={errors.hypothesis}
          hint={t(
            'field.hypothesis.hint',
            'What you expect and why, e.g. “A shorter headline gets more sign-ups from mobile visitors”.'
          )}
        >
          <Field.Label>{t('field.hypothesis', 'Hypothesis')}</Field.Label>
          <Textarea
            value={draft.hypothesis}
            disabled={readOnly}
            onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => change({ ...draft, hypothesis: event.target.value })}
          />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
    </Grid.Root>
    <TargetFields draft={draft} setDraft={change} types={types} type={type} errors={errors} locked={readOnly || started} t={t} />
  </Section>
);
