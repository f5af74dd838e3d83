import { useEffect, useState } from 'react';

import { Box, Checkbox, Field, Flex, Grid, NumberInput, TextInput, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { styled } from 'styled-components';

import { getExperiments, type Experiment } from '../../../api';
import { Section } from '../../../components/Section';
import { emptyNamespace, namespaceBar, type NamespaceBar } from '../../../experiments/namespace';
import type { CardProps } from './props';

const Track = styled.div`
  position: relative;
  height: 2.5rem;
  border-radius: 4px;
  background: ${({ theme }) => theme.colors.neutral150};
  overflow: hidden;
`;

const Segment = styled.div<{ $from: number; $to: number; $tone: 'current' | 'other' | 'overlap' }>`
  position: absolute;
  top: 0;
  bottom: 0;
  left: ${({ $from }) => $from}%;
  width: ${({ $from, $to }) => $to - $from}%;
  box-sizing: border-box;
  border: 1px solid ${({ theme }) => theme.colors.neutral0};
  display: flex;
  align-items: center;
  justify-content: center;
  overflow: hidden;
  white-space: nowrap;
  font-size: 1.2rem;
  color: ${({ theme, $tone }) => ($tone === 'other' ? theme.colors.neutral800 : theme.colors.neutral0)};
  background: ${({ theme, $tone }) =>
    $tone === 'current' ? theme.colors.primary600 : $tone === 'overlap' ? theme.colors.danger600 : theme.colors.neutral300};
  opacity: ${({ $tone }) => ($tone === 'overlap' ? 0.85 : 1)};
`;

/** The namespace's ranges as a bar, then in words (the bar alone says nothing to a screen reader). */
export const NamespaceRanges = ({ bar, t }: { bar: NamespaceBar; t: CardProps['t'] }) => (
  <Flex direction="column" alignItems="stretch" gap={2} data-testid="namespace-bar">
    <Track aria-hidden="true">
      {bar.segments.map((segment) => (
        <Segment
          key={`${segment.current ? 'this' : 'other'}-${segment.key}`}
          $from={segment.from}
          $to={segment.to}
          $tone={segment.current ? (segment.overlaps ? 'overlap' : 'current') : segment.overlaps ? 'overlap' : 'other'}
          title={`${segment.name || segment.key}: ${segment.from}–${segment.to} %`}
        >
          {segment.current ? t('namespace.this', 'This experiment') : segment.key}
        </Segment>
      ))}
    </Track>
    <Flex justifyContent="space-between">
      <Typography variant="pi" textColor="neutral600">
        0 %
      </Typography>
      <Typography variant="pi" textColor="neutral600">
        100 %
      </Typography>
    </Flex>
    <Box tag="ul">
      {bar.segments.map((segment) => (
        <Box tag="li" key={`${segment.current ? 'this' : 'other'}-${segment.key}`}>
          <Typography variant="pi" textColor={segment.overlaps && !segment.current ? 'danger600' : 'neutral800'}>
            {segment.current
              ? t('namespace.rangeThis', 'This experiment: {from} % to {to} %', { from: segment.from, to: segment.to })
              : t(
                  segment.overlaps ? 'namespace.rangeOverlap' : 'namespace.rangeOther',
                  segment.overlaps ? '{name} ({key}): {from} % to {to} %, overlaps this one' : '{name} ({key}): {from} % to {to} %',
                  { name: segment.name, key: segment.key, from: segment.from, to: segment.to }
                )}
          </Typography>
        </Box>
      ))}
      <Box tag="li">
        <Typography variant="pi" textColor="neutral600">
          {t('namespace.free', 'In no experiment of the namespace: {percent} %', { percent: bar.freePercent })}
        </Typography>
      </Box>
    </Box>
  </Flex>
);

/** Mutual exclusion: the namespace, this experiment's range of it, and the namespace's ranges as a bar. */
export const NamespaceCard = ({ draft, change, errors, readOnly, t }: CardProps) => {
  const client = useFetchClient();
  const [experiments, setExperiments] = useState<Experiment[] | null>(null);
  const enabled = draft.namespace !== null;
  useEffect(() => {
    if (!enabled || experiments) return;
    getExperiments(client)
      .then(setExperiments)
      .catch(() => setExperiments([]));
  }, [client, enabled, experiments]);
  const namespace = draft.namespace;
  const bar = namespace ? namespaceBar(experiments ?? [], { ...draft, namespace }) : null;
  const overlapping = bar?.segments.filter((segment) => segment.overlaps && !segment.current) ?? [];
  return (
    <Section
      title={t('section.namespace', 'Mutual exclusion')}
      description={t(
        'section.namespace.description',
        'Experiments of one namespace never share a visitor: each takes only the visitors whose namespace bucket falls in its range. Ranges may not overlap.'
      )}
    >
      <Checkbox
        checked={enabled}
        disabled={readOnly}
        onCheckedChange={(checked: boolean | 'indeterminate') => change({ ...draft, namespace: checked === true ? emptyNamespace() : null })}
      >
        {t('field.namespace', 'In a namespace')}
      </Checkbox>
      {namespace ? (
        <Flex direction="column" alignItems="stretch" gap={4} paddingTop={4}>
          <Grid.Root gap={4}>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root
                name="experiment-namespace-key"
                required
                error={errors['namespace.key']}
                hint={t('field.namespace.key.hint', 'Experiments that must not share visitors use the same namespace.')}
              >
                <Field.Label>{t('field.namespace.key', 'Namespace')}</Field.Label>
                <TextInput
                  value={namespace.key}
                  disabled={readOnly}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
                    change({ ...draft, namespace: { ...namespace, key: event.target.value } })
                  }
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
              <Field.Root name="experiment-namespace-from" required error={errors['namespace.range']}>
                <Field.Label>{t('field.namespace.from', 'From (%)')}</Field.Label>
                <NumberInput
                  value={namespace.fromPercent ?? undefined}
                  disabled={readOnly}
                  onValueChange={(value: number | undefined) =>
                    change({ ...draft, namespace: { ...namespace, fromPercent: value ?? null } })
                  }
                />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
              <Field.Root name="experiment-namespace-to" required>
                <Field.Label>{t('field.namespace.to', 'To (%, not included)')}</Field.Label>
                <NumberInput
                  value={namespace.toPercent ?? undefined}
                  disabled={readOnly}
                  onValueChange={(value: number | undefined) => change({ ...draft, namespace: { ...namespace, toPercent: value ?? null } })}
                />
              </Field.Root>
            </Grid.Item>
          </Grid.Root>
          {bar ? <NamespaceRanges bar={bar} t={t} /> : null}
          {overlapping.length > 0 ? (
            <Typography variant="pi" textColor="danger600" role="alert">
              {t('namespace.overlapWarning', 'This range overlaps {names}: saving will be refused.', {
                names: overlapping.map((segment) => `${segment.name} (${segment.key})`).join(', '),
              })}
            </Typography>
          ) : null}
        </Flex>
      ) : null}
    </Section>
  );
};
