import { useRef } from 'react';

import { Box, Button, Field, Flex, IconButton, NumberInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import { EXPERIMENT_LIMITS } from '../../../../contracts/src/experiments';
import type { ArmDraft, DraftProblem } from '../../experiments/draft';
import { uniqueKey } from '../../experiments/draft';
import type { T } from '../../experiments/i18n';
import { evenPercents, percentTotal } from '../../experiments/weights';
import type { TargetVariant } from './useTargets';
import { NameAndKeyFields } from '../../components/NameAndKeyFields';
import { NamedMultiSelect } from '../../components/NamedMultiSelect';

export interface ArmsEditorProps {
  arms: ArmDraft[];
  onChange: (arms: ArmDraft[]) => void;
  /** The target entry's variants; null without a target (arms are then names that conditions reference). */
  variants: TargetVariant[] | null;
  /** Client and server problems by field (`arms`, `arms.1.key`, ...), in words. */
  errors: Record<string, string>;
  /** Keys cannot change once visitors were bucketed (not a draft). */
  lockKeys: boolean;
  disabled?: boolean;
  t: T;
}

/** The arms: key, name, weight in % (they must sum to 100%) and, with a target, the variants each arm serves. */
export const ArmsEditor = ({ arms, onChange, variants, errors, lockKeys, disabled, t }: ArmsEditorProps) => {
  const update = (index: number, patch: Partial<ArmDraft>) =>
    onChange(arms.map((arm, i) => (i === index ? { ...arm, ...patch } : arm)));
  // The weight inputs keep what is typed in them: when a weight changes from elsewhere (split evenly,
  // an arm added or removed, the mode), its input is remounted to show the new value.
  const shown = useRef(new Map<number, number | null>());
  const typed = useRef(new Map<number, number | null>());
  const generation = useRef(new Map<number, number>());
  arms.forEach((arm, index) => {
    if (shown.current.has(index) && shown.current.get(index) !== arm.percent && typed.current.get(index) !== arm.percent) {
      generation.current.set(index, (generation.current.get(index) ?? 0) + 1);
    }
    shown.current.set(index, arm.percent);
  });
  const total = percentTotal(arms.map((arm) => arm.percent ?? 0));
  const split = () => {
    const percents = evenPercents(arms.length);
    onChange(arms.map((arm, index) => ({ ...arm, percent: percents[index] })));
  };
  const add = () => {
    const name = t('arms.newName', 'Variant {letter}', { letter: String.fromCharCode(65 + arms.length) });
    const next = [
      ...arms,
      {
        key: uniqueKey(
          name,
          arms.map((arm) => arm.key)
        ),
        name,
        percent: 0,
        variants: [],
      },
    ];
    const percents = evenPercents(next.length);
    onChange(next.map((arm, index) => ({ ...arm, percent: percents[index] })));
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="arms-editor">
      <Box tag="ol" margin={0} padding={0}>
        {arms.map((arm, index) => {
          const label = arm.name || arm.key || String(index + 1);
          return (
            <Box
              tag="li"
              key={index}
              padding={4}
              marginBottom={2}
              hasRadius
              background={index === 0 ? 'neutral100' : 'neutral0'}
              borderColor="neutral200"
              style={{ listStyle: 'none' }}
              data-testid={`arm-${index}`}
              aria-label={t('arms.rowLabel', 'Arm {number}: {name}', { number: index + 1, name: label })}
            >
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Flex justifyContent="space-between">
                  <Typography variant="sigma" textColor="neutral600">
                    {index === 0
                      ? t('arms.baseline', 'Arm {number} · baseline (results compare the others with it)', { number: index + 1 })
                      : t('arms.number', 'Arm {number}', { number: index + 1 })}
                  </Typography>
                  <IconButton
                    label={t('arms.remove', 'Remove arm {name}', { name: label })}
                    variant="ghost"
                    disabled={disabled || lockKeys || arms.length <= EXPERIMENT_LIMITS.minArms}
                    onClick={() => {
                      const next = arms.filter((_, i) => i !== index);
                      const percents = evenPercents(next.length);
                      onChange(next.map((item, i) => ({ ...item, percent: percents[i] })));
                    }}
                  >
                    <Trash />
                  </IconButton>
                </Flex>
                <Flex gap={3} alignItems="flex-start" wrap="wrap">
                  <NameAndKeyFields
                    id={`arm-${index}`}
                    name={arm.name}
                    keyValue={arm.key}
                    labels={{ name: t('arms.name', 'Arm {number}: name', { number: index + 1 }), key: t('arms.key', 'Arm {number}: key', { number: index + 1 }) }}
                    errors={{ key: errors[`arms.${index}.key`] }}
                    disabled={disabled === true}
                    keyLocked={lockKeys}
                    lockedHint={t('arms.key.locked', 'Fixed once started')}
                    nameMinWidth="16rem"
                    onChange={(change) => update(index, change)}
                  />
                  <Box flex="1" minWidth="10rem">
                    <Field.Root name={`arm-${index}-weight`} required error={errors[`arms.${index}.weight`]}>
                      <Field.Label>{t('arms.weight', 'Arm {number}: weight (%)', { number: index + 1 })}</Field.Label>
                      <NumberInput
                        key={`weight-${index}-${generation.current.get(index) ?? 0}`}
                        value={arm.percent ?? undefined}
                        step={1}
                        disabled={disabled}
                        onValueChange={(value: number | undefined) => {
                          typed.current.set(index, value ?? null);
                          update(index, { percent: value ?? null });
                        }}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Box>
                </Flex>
                {variants ? (
                  <Field.Root
                    name={`arm-${index}-variants`}
                    error={errors[`arms.${index}.variants`]}
                    hint={
                      arm.variants.length === 0
                        ? t('arms.variants.control', 'No variant: this arm gets the entry as published (a control).')
                        : t(
                            'arms.variants.hint',
                            'Only these variants take part for the arm’s visitors, in the entry’s order; their conditions still apply.'
                          )
                    }
                  >
                    <Field.Label>{t('arms.variants', 'Arm {number}: variants served', { number: index + 1 })}</Field.Label>
                    {/* Chosen variants as named tags: the design system's own tags have unnamed remove buttons. */}
                    <NamedMultiSelect
                      label={t('arms.variants', 'Arm {number}: variants served', { number: index + 1 })}
                      value={arm.variants}
                      disabled={disabled}
                      options={variants.map((variant) => ({
                        value: variant.id,
                        label: variant.enabled
                          ? variant.name
                          : t('arms.variants.disabled', '{name} (disabled)', { name: variant.name }),
                      }))}
                      onChange={(value) =>
                        update(index, { variants: variants.map((variant) => variant.id).filter((id) => value.includes(id)) })
                      }
                    />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                ) : null}
              </Flex>
            </Box>
          );
        })}
      </Box>
      <Flex gap={3} wrap="wrap">
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={disabled || lockKeys || arms.length >= EXPERIMENT_LIMITS.maxArms}
          onClick={add}
        >
          {t('arms.add', 'Add an arm')}
        </Button>
        <Button variant="tertiary" disabled={disabled} onClick={split}>
          {t('arms.split', 'Split evenly')}
        </Button>
        <Typography textColor={total === 100 ? 'neutral600' : 'danger600'} data-testid="arms-total">
          {t('arms.total', 'Total: {total}%', { total })}
        </Typography>
      </Flex>
      {errors.arms ? (
        <Typography variant="pi" textColor="danger600" role="alert">
          {errors.arms}
        </Typography>
      ) : null}
    </Flex>
  );
};

/** A client-side problem in words. */
export const problemText = (problem: DraftProblem, t: T): string =>
  ({
    required: t('problem.required', 'Required'),
    'key-pattern': t('problem.keyPattern', '1 to 64 characters of a-z, 0-9, "_" or "-"'),
    'duplicate-key': t('problem.duplicateKey', 'Another arm has this key'),
    'weights-sum': t('problem.weightsSum', 'The weights must add up to 100%'),
    'percent-range': t('problem.percentRange', 'Enter a number from 0 to 100'),
    'too-few-arms': t('problem.tooFewArms', 'An experiment needs at least 2 arms'),
    'too-many-arms': t('problem.tooManyArms', 'At most 20 arms'),
    'event-pattern': t('problem.eventPattern', 'A track event name: a letter, then letters, digits, "_", ".", ":" or "-"'),
    'window-range': t('problem.windowRange', 'A whole number of hours from 1 to 2160 (90 days)'),
    'cap-range': t('problem.capRange', 'A number above 0, at most 1,000,000,000,000 (or empty: no cap)'),
    'duplicate-goal': t('problem.duplicateGoal', 'Another goal of this experiment has this event'),
    'target-variants': t('problem.targetVariants', 'The target entry has no such variant'),
    'no-target-entry': t('problem.noTargetEntry', 'Pick the entry to test'),
    'too-few-attributes': t('problem.tooFewAttributes', 'A contextual bandit needs at least 1 signal'),
    'too-many-attributes': t('problem.tooManyAttributes', 'At most 6 signals'),
    'duplicate-attribute': t('problem.duplicateAttribute', 'This signal is already listed'),
    'cuts-numbers': t('problem.cutsNumbers', 'Numbers separated by commas (or empty: the default cuts)'),
    'leaves-range': t('problem.leavesRange', 'A whole number from 1 to 32 (or empty: 12)'),
    'units-per-leaf-range': t('problem.unitsPerLeafRange', 'A whole number from 1 (or empty: 100)'),
    'lookback-range': t('problem.lookbackRange', 'A whole number of days from 1 to 60 (or empty: 14)'),
    'range-order': t('problem.rangeOrder', '"From" must be below "to"'),
    'range-overlap': t('problem.rangeOverlap', 'Overlaps another experiment of this namespace'),
    'too-few-factors': t('problem.tooFewFactors', 'A multivariate test needs at least 1 factor'),
    'too-many-factors': t('problem.tooManyFactors', 'At most 3 factors'),
    'duplicate-factor': t('problem.duplicateFactor', 'Another factor has this key'),
    'too-few-levels': t('problem.tooFewLevels', 'A factor needs at least 2 levels'),
    'too-many-levels': t('problem.tooManyLevels', 'At most 4 levels per factor'),
    'duplicate-level': t('problem.duplicateLevel', 'Another level of this factor has this key'),
    'multivariate-target': t('problem.multivariateTarget', 'A multivariate test needs an entry: its levels are that entry’s variants'),
  })[problem];
