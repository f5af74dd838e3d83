import { Box, Button, Field, Flex, Grid, IconButton, NumberInput, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { CONTEXTUAL_LIMITS } from '../../../../../contracts/src/experiments';
import { attributeChoices, DEFAULT_CUTS_TEXT, isNumberSignal } from '../../../experiments/contextual';
import { useSignals } from '../../../hooks/useSignals';
import { signalLabel } from '../../../rules/signalLabels';
import type { CardProps } from './props';

/**
 * A contextual experiment's settings: the signals the model may split on (the vocabulary's, as the rule
 * builder offers them), cuts for numbers, and the model's size. The server's 400s show on the fields.
 */
export const ContextualFields = ({ draft, change, errors, readOnly, started, t }: CardProps) => {
  const { formatMessage } = useIntl();
  const { vocabulary } = useSignals();
  const choices = attributeChoices(vocabulary?.signals ?? []);
  const { contextual } = draft;
  const locked = readOnly || started;
  const setContextual = (next: Partial<typeof contextual>) => change({ ...draft, contextual: { ...contextual, ...next } });
  const setAttribute = (index: number, next: Partial<(typeof contextual.attributes)[number]>) =>
    setContextual({ attributes: contextual.attributes.map((attribute, position) => (position === index ? { ...attribute, ...next } : attribute)) });
  const unused = choices.find((choice) => !contextual.attributes.some((attribute) => attribute.path === choice.path));
  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="contextual-settings">
      <Box>
        <Typography variant="delta" tag="h3">
          {t('contextual.attributes', 'Signals the model may split on')}
        </Typography>
        <Typography variant="pi" textColor="neutral600" tag="p">
          {t(
            'contextual.attributes.description',
            'Up to {max} signals. Numbers are cut into ranges at the cut points; a category keeps its 20 most frequent values; a missing signal is a value of its own. Fixed once started.',
            { max: CONTEXTUAL_LIMITS.maxAttributes }
          )}
        </Typography>
        {errors['contextual.attributes'] ? (
          <Typography variant="pi" textColor="danger600" role="alert" data-testid="contextual-attributes-error">
            {errors['contextual.attributes']}
          </Typography>
        ) : null}
      </Box>
      {contextual.attributes.map((attribute, index) => {
        const signal = choices.find((choice) => choice.path === attribute.path);
        // A path the vocabulary does not list (typed elsewhere, or a vocabulary not loaded yet) stays a choice.
        const options = signal || !attribute.path ? choices : [...choices, { path: attribute.path, group: '', type: 'string' as const }];
        const number = isNumberSignal(signal);
        return (
          <Grid.Root key={index} gap={4} data-testid={`contextual-attribute-${index}`}>
            <Grid.Item col={5} s={12} xs={12} direction="column" alignItems="stretch">
              <Field.Root name={`contextual-attribute-${index}`} required error={errors[`contextual.attributes.${index}.path`]}>
                <Field.Label>{t('contextual.attribute', 'Signal {n}', { n: index + 1 })}</Field.Label>
                <SingleSelect
                  value={attribute.path}
                  disabled={locked}
                  placeholder={vocabulary === null ? '…' : t('contextual.attribute.pick', 'Pick a signal')}
                  onChange={(value: string | number) => setAttribute(index, { path: String(value), cuts: '' })}
                >
                  {options.map((choice) => (
                    <SingleSelectOption key={choice.path} value={choice.path}>
                      {`${signalLabel(choice.path, formatMessage)} (${choice.path})`}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={5} s={10} xs={12} direction="column" alignItems="stretch">
              {number ? (
                <Field.Root
                  name={`contextual-cuts-${index}`}
                  error={errors[`contextual.attributes.${index}.cuts`]}
                  hint={t('contextual.cuts.hint', 'Numbers separated by commas. Empty: {cuts}.', { cuts: DEFAULT_CUTS_TEXT })}
                >
                  <Field.Label>{t('contextual.cuts', 'Cut points')}</Field.Label>
                  <TextInput
                    value={attribute.cuts}
                    disabled={locked}
                    placeholder={DEFAULT_CUTS_TEXT}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => setAttribute(index, { cuts: event.target.value })}
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              ) : (
                <Typography variant="pi" textColor="neutral600" tag="p" style={{ paddingTop: '2.4rem' }}>
                  {signal?.values?.length
                    ? t('contextual.values', 'Split by value: {values}.', { values: signal.values.join(', ') })
                    : t('contextual.category', 'Split by value (its 20 most frequent values; the others together).')}
                </Typography>
              )}
            </Grid.Item>
            <Grid.Item col={2} s={2} xs={12} direction="column" alignItems="flex-start" style={{ justifyContent: 'flex-end' }}>
              <IconButton
                label={t('contextual.attribute.remove', 'Remove signal {n}', { n: index + 1 })}
                disabled={locked || contextual.attributes.length <= CONTEXTUAL_LIMITS.minAttributes}
                variant="ghost"
                onClick={() => setContextual({ attributes: contextual.attributes.filter((_, position) => position !== index) })}
              >
                <Trash />
              </IconButton>
            </Grid.Item>
          </Grid.Root>
        );
      })}
      <Box>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={locked || contextual.attributes.length >= CONTEXTUAL_LIMITS.maxAttributes}
          onClick={() => setContextual({ attributes: [...contextual.attributes, { path: unused?.path ?? '', cuts: '' }] })}
        >
          {t('contextual.attribute.add', 'Add a signal')}
        </Button>
      </Box>
      <Grid.Root gap={4}>
        <Grid.Item col={4} s={6} xs={12} direction="column" alignItems="stretch">
          <Field.Root
            name="contextual-maxLeaves"
            error={errors['contextual.maxLeaves']}
            hint={t('contextual.maxLeaves.hint', 'From 1 to {max}; empty: {default}. Each leaf is one rule an editor reads.', {
              max: CONTEXTUAL_LIMITS.maxLeaves,
              default: CONTEXTUAL_LIMITS.defaultMaxLeaves,
            })}
          >
            <Field.Label>{t('contextual.maxLeaves', 'Most leaves (rules)')}</Field.Label>
            <NumberInput
              value={contextual.maxLeaves ?? undefined}
              disabled={readOnly}
              onValueChange={(value: number | undefined) => setContextual({ maxLeaves: value ?? null })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={4} s={6} xs={12} direction="column" alignItems="stretch">
          <Field.Root
            name="contextual-minUnitsPerLeaf"
            error={errors['contextual.minUnitsPerLeaf']}
            hint={t('contextual.minUnits.hint', 'A split needs this many visitors on each side; empty: {default}.', {
              default: CONTEXTUAL_LIMITS.defaultMinUnitsPerLeaf,
            })}
          >
            <Field.Label>{t('contextual.minUnits', 'Visitors per leaf, at least')}</Field.Label>
            <NumberInput
              value={contextual.minUnitsPerLeaf ?? undefined}
              disabled={readOnly}
              onValueChange={(value: number | undefined) => setContextual({ minUnitsPerLeaf: value ?? null })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
    </Flex>
  );
};
