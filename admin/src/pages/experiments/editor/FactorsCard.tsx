import { useState } from 'react';

import { Alert, Box, Button, Field, Flex, IconButton, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import { EXPERIMENT_LIMITS } from '../../../../../contracts/src/experiments';
import { NameAndKeyFields } from '../../../components/NameAndKeyFields';
import { NamedMultiSelect } from '../../../components/NamedMultiSelect';
import { Section } from '../../../components/Section';
import { newFactor, newLevel, type FactorDraft, type FactorNames, type LevelDraft } from '../../../experiments/draft';
import { cellCount, factorOverlaps } from '../../../experiments/factors';
import type { T } from '../../../experiments/i18n';
import { usePercent } from '../charts';
import type { TargetVariant } from '../useTargets';
import type { CardProps } from './props';

/** The names of new factors and levels, in the admin's language. */
export const factorNames = (t: T): FactorNames => ({
  factor: (number) => t('factors.newName', 'Factor {number}', { number }),
  baseline: t('factors.baselineName', 'As published'),
  level: (number) => t('factors.newLevelName', 'Level {number}', { number }),
});

/** "2 × 2 = 4 cells, 25 % of the visitors each". */
const CellsSummary = ({ factors, t }: { factors: FactorDraft[]; t: T }) => {
  const percent = usePercent();
  const cells = cellCount(factors);
  if (cells === 0) return null;
  return (
    <Typography textColor="neutral700" data-testid="factors-cells">
      {factors.length === 1
        ? t('factors.cellsOneFactor', '{cells, plural, one {# cell} other {# cells}}, {share} of the visitors each', { cells, share: percent(1 / cells) })
        : t('factors.cells', '{product} = {cells, plural, one {# cell} other {# cells}}, {share} of the visitors each', {
            product: factors.map((factor) => factor.levels.length).join(' × '),
            cells,
            share: percent(1 / cells),
          })}
    </Typography>
  );
};

/** Fields that two factors' variants both override: the later factor's value wins where both are served. */
const OverlapWarning = ({ factors, variants, t }: { factors: FactorDraft[]; variants: TargetVariant[]; t: T }) => {
  const overlaps = factorOverlaps(factors, variants);
  // Closed for these overlaps only: a new one brings the warning back.
  const signature = JSON.stringify(overlaps);
  const [closed, setClosed] = useState<string | null>(null);
  if (overlaps.length === 0 || closed === signature) return null;
  return (
    <Box data-testid="factors-overlap">
      <Alert
        variant="warning"
        title={t('factors.overlap.title', 'Two factors change the same field')}
        closeLabel={t('close', 'Close')}
        onClose={() => setClosed(signature)}
      >
        {overlaps.map((overlap) => (
          <Typography key={`${overlap.first.factor}-${overlap.second.factor}-${overlap.field}`} tag="span" display="block">
            {t(
              'factors.overlap.item',
              '“{field}” is set by {firstVariants} ({firstFactor}) and by {secondVariants} ({secondFactor}): a visitor who gets both sees {secondFactor}’s value, so the two effects are not measured apart on that field.',
              {
                field: overlap.field,
                firstVariants: overlap.first.variants.join(', '),
                firstFactor: overlap.first.factor,
                secondVariants: overlap.second.variants.join(', '),
                secondFactor: overlap.second.factor,
              }
            )}
          </Typography>
        ))}
      </Alert>
    </Box>
  );
};

/** One level of a factor: name, key (fixed once started) and the target entry's variants it serves. */
const LevelRow = ({
  level,
  factorIndex,
  index,
  canRemove,
  update,
  remove,
  variants,
  errors,
  readOnly,
  started,
  t,
}: {
  level: LevelDraft;
  factorIndex: number;
  index: number;
  canRemove: boolean;
  update: (patch: Partial<LevelDraft>) => void;
  remove: () => void;
  variants: TargetVariant[] | null;
  errors: Record<string, string>;
  readOnly: boolean;
  started: boolean;
  t: T;
}) => {
  const numbers = { factor: factorIndex + 1, level: index + 1 };
  const prefix = `factors.${factorIndex}.levels.${index}`;
  const variantsLabel = t('factors.level.variants', 'Factor {factor}, level {level}: variants served', numbers);
  return (
    <Box
      tag="li"
      padding={3}
      marginBottom={2}
      hasRadius
      background={index === 0 ? 'neutral100' : 'neutral0'}
      borderColor="neutral200"
      style={{ listStyle: 'none' }}
      data-testid={`factor-${factorIndex}-level-${index}`}
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between">
          <Typography variant="sigma" textColor="neutral600">
            {index === 0
              ? t('factors.level.baseline', 'Level {level} · baseline (the other levels are compared with it)', numbers)
              : t('factors.level.number', 'Level {level}', numbers)}
          </Typography>
          <IconButton
            label={t('factors.level.remove', 'Remove level {name}', { name: level.name || level.key || String(index + 1) })}
            variant="ghost"
            disabled={readOnly || started || !canRemove}
            onClick={remove}
          >
            <Trash />
          </IconButton>
        </Flex>
        <Flex gap={3} alignItems="flex-start" wrap="wrap">
          <NameAndKeyFields
            id={`factor-${factorIndex}-level-${index}`}
            name={level.name}
            keyValue={level.key}
            labels={{ name: t('factors.level.name', 'Factor {factor}, level {level}: name', numbers), key: t('factors.level.key', 'Factor {factor}, level {level}: key', numbers) }}
            errors={{ name: errors[`${prefix}.name`], key: errors[`${prefix}.key`] }}
            disabled={readOnly}
            keyLocked={started}
            lockedHint={t('arms.key.locked', 'Fixed once started')}
            nameMinWidth="14rem"
            onChange={update}
          />
        </Flex>
        {variants ? (
          <Field.Root
            name={`factor-${factorIndex}-level-${index}-variants`}
            error={errors[`${prefix}.variants`]}
            hint={
              level.variants.length === 0
                ? t('factors.level.variants.none', 'No variant: for this factor, the entry as published.')
                : t('factors.level.variants.hint', 'The first of these whose conditions match is served, with the other factors’ levels.')
            }
          >
            <Field.Label>{variantsLabel}</Field.Label>
            <NamedMultiSelect
              label={variantsLabel}
              value={level.variants}
              disabled={readOnly}
              options={variants.map((variant) => ({
                value: variant.id,
                label: variant.enabled ? variant.name : t('arms.variants.disabled', '{name} (disabled)', { name: variant.name }),
              }))}
              onChange={(value) => update({ variants: variants.map((variant) => variant.id).filter((id) => value.includes(id)) })}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        ) : null}
      </Flex>
    </Box>
  );
};

/**
 * A multivariate test's factors (docs/experiments.md, "Multivariate"), shown instead of the arms: each factor a
 * change tested on its own, with 2 to 4 levels that are sets of the target entry's variants. The cells of the full
 * factorial are the arms, written by the server.
 */
export const FactorsCard = ({ draft, change, errors, readOnly, started, variants, t }: CardProps & { variants: TargetVariant[] | null }) => {
  const { factors } = draft;
  const names = factorNames(t);
  const setFactors = (next: FactorDraft[]) => change({ ...draft, factors: next });
  const updateFactor = (index: number, patch: Partial<FactorDraft>) =>
    setFactors(factors.map((factor, position) => (position === index ? { ...factor, ...patch } : factor)));
  return (
    <Section
      title={t('section.factors', 'Factors')}
      description={t(
        'section.factors.description',
        'Each factor is one change tested on its own. A visitor gets one level of every factor, at random and independently, and keeps them; every combination of levels (a cell) is an arm. Results compare each level with its factor’s first level, over all the visitors of the other factors.'
      )}
      testId="section-factors"
    >
      {!draft.target ? (
        <Typography textColor={errors.target ? 'danger600' : 'neutral600'} role={errors.target ? 'alert' : undefined}>
          {t('factors.noTarget', 'Pick the entry to test above (“Sets of one entry’s variants”): the levels are its variants.')}
        </Typography>
      ) : null}
      <Box tag="ol" margin={0} padding={0}>
        {factors.map((factor, index) => {
          const label = factor.name || factor.key || String(index + 1);
          return (
            <Box
              tag="li"
              key={index}
              padding={4}
              marginTop={4}
              hasRadius
              borderColor="neutral200"
              style={{ listStyle: 'none' }}
              data-testid={`factor-${index}`}
              aria-label={t('factors.rowLabel', 'Factor {number}: {name}', { number: index + 1, name: label })}
            >
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Flex justifyContent="space-between">
                  <Typography variant="delta" tag="h3">
                    {t('factors.rowLabel', 'Factor {number}: {name}', { number: index + 1, name: label })}
                  </Typography>
                  <IconButton
                    label={t('factors.remove', 'Remove factor {name}', { name: label })}
                    variant="ghost"
                    disabled={readOnly || started || factors.length <= 1}
                    onClick={() => setFactors(factors.filter((_, position) => position !== index))}
                  >
                    <Trash />
                  </IconButton>
                </Flex>
                <Flex gap={3} alignItems="flex-start" wrap="wrap">
                  <NameAndKeyFields
                    id={`factor-${index}`}
                    name={factor.name}
                    keyValue={factor.key}
                    labels={{ name: t('factors.name', 'Factor {number}: name', { number: index + 1 }), key: t('factors.key', 'Factor {number}: key', { number: index + 1 }) }}
                    errors={{ name: errors[`factors.${index}.name`], key: errors[`factors.${index}.key`] }}
                    disabled={readOnly}
                    keyLocked={started}
                    lockedHint={t('arms.key.locked', 'Fixed once started')}
                    nameMinWidth="14rem"
                    onChange={(change) => updateFactor(index, change)}
                  />
                </Flex>
                <Box tag="ol" margin={0} padding={0} aria-label={t('factors.levels', 'Levels of factor {name}', { name: label })}>
                  {factor.levels.map((level, position) => (
                    <LevelRow
                      key={position}
                      level={level}
                      factorIndex={index}
                      index={position}
                      canRemove={factor.levels.length > EXPERIMENT_LIMITS.minLevels}
                      update={(patch) =>
                        updateFactor(index, { levels: factor.levels.map((item, at) => (at === position ? { ...item, ...patch } : item)) })
                      }
                      remove={() => updateFactor(index, { levels: factor.levels.filter((_, at) => at !== position) })}
                      variants={draft.target ? (variants ?? []) : null}
                      errors={errors}
                      readOnly={readOnly}
                      started={started}
                      t={t}
                    />
                  ))}
                </Box>
                {errors[`factors.${index}.levels`] ? (
                  <Typography variant="pi" textColor="danger600" role="alert">
                    {errors[`factors.${index}.levels`]}
                  </Typography>
                ) : null}
                <Box>
                  <Button
                    variant="tertiary"
                    startIcon={<Plus />}
                    disabled={readOnly || started || factor.levels.length >= EXPERIMENT_LIMITS.maxLevels}
                    onClick={() => updateFactor(index, { levels: [...factor.levels, newLevel(factor, names)] })}
                  >
                    {t('factors.level.add', 'Add a level to {name}', { name: label })}
                  </Button>
                </Box>
              </Flex>
            </Box>
          );
        })}
      </Box>
      <Flex gap={3} wrap="wrap" paddingTop={4}>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={readOnly || started || factors.length >= EXPERIMENT_LIMITS.maxFactors}
          onClick={() => setFactors([...factors, newFactor(factors, names)])}
        >
          {t('factors.add', 'Add a factor')}
        </Button>
        <CellsSummary factors={factors} t={t} />
      </Flex>
      {errors.factors ? (
        <Typography variant="pi" textColor="danger600" role="alert">
          {errors.factors}
        </Typography>
      ) : null}
      {draft.target && variants ? (
        <Box paddingTop={4}>
          <OverlapWarning factors={factors} variants={variants} t={t} />
        </Box>
      ) : null}
    </Section>
  );
};
