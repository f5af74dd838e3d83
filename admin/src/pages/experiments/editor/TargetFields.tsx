import { useEffect, useState } from 'react';

import { Field, Flex, Grid, Radio, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';

import { getLocales, type Locale } from '../../../api';
import type { ExperimentDraft } from '../../../experiments/draft';
import type { T } from '../../../experiments/i18n';
import { useTargetEntries, type TargetType } from '../useTargets';

/** The factors' levels without variants: another entry's variants are not these. */
const withoutVariants = (factors: ExperimentDraft['factors']) =>
  factors.map((factor) => ({ ...factor, levels: factor.levels.map((level) => ({ ...level, variants: [] })) }));

/** The target: a content type with the variants field, its locale and the entry. */
export const TargetFields = ({
  draft,
  setDraft,
  types,
  type,
  errors,
  locked,
  t,
}: {
  draft: ExperimentDraft;
  setDraft: (draft: ExperimentDraft) => void;
  types: TargetType[] | null;
  type: TargetType | undefined;
  errors: Record<string, string>;
  locked: boolean;
  t: T;
}) => {
  const client = useFetchClient();
  const [locales, setLocales] = useState<Locale[]>([]);
  const target = draft.target;
  const entries = useTargetEntries(type, target?.locale ?? null);
  useEffect(() => {
    if (!type?.localized) return;
    getLocales(client)
      .then(setLocales)
      .catch(() => setLocales([]));
  }, [client, type?.localized]);

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Radio.Group
        aria-label={t('target.kind', 'What the arms are')}
        value={target ? 'entry' : 'site'}
        disabled={locked}
        onValueChange={(value: string) =>
          setDraft({ ...draft, target: value === 'entry' ? { uid: types?.[0]?.uid ?? '', documentId: '', locale: null } : null })
        }
      >
        <Radio.Item value="entry">
          {t('target.entry', 'Sets of one entry’s variants (each arm serves some of its variants)')}
        </Radio.Item>
        <Radio.Item value="site">
          {t('target.site', 'Site-wide: arms are names that variant conditions reference (“in experiment … arm …”)')}
        </Radio.Item>
      </Radio.Group>
      {target ? (
        <Grid.Root gap={4}>
          <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
            <Field.Root name="target-uid" required error={errors.target}>
              <Field.Label>{t('target.type', 'Content type')}</Field.Label>
              <SingleSelect
                value={target.uid}
                disabled={locked}
                placeholder={types === null ? '…' : undefined}
                onChange={(value: string | number) =>
                  setDraft({
                    ...draft,
                    target: { uid: String(value), documentId: '', locale: null },
                    arms: draft.arms.map((arm) => ({ ...arm, variants: [] })),
                    factors: withoutVariants(draft.factors),
                  })
                }
              >
                {(types ?? []).map((candidate) => (
                  <SingleSelectOption key={candidate.uid} value={candidate.uid}>
                    {candidate.displayName}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          </Grid.Item>
          {type?.localized ? (
            <Grid.Item col={2} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="target-locale">
                <Field.Label>{t('target.locale', 'Locale')}</Field.Label>
                <SingleSelect
                  value={target.locale ?? ''}
                  disabled={locked}
                  onChange={(value: string | number) =>
                    setDraft({ ...draft, target: { ...target, locale: String(value) || null } })
                  }
                >
                  {(locales.length ? locales : target.locale ? [{ code: target.locale, name: target.locale }] : []).map(
                    (locale) => (
                      <SingleSelectOption key={locale.code} value={locale.code}>
                        {locale.name}
                      </SingleSelectOption>
                    )
                  )}
                </SingleSelect>
              </Field.Root>
            </Grid.Item>
          ) : null}
          <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
            <Field.Root name="target-entry" required>
              <Field.Label>{t('target.document', 'Entry')}</Field.Label>
              <SingleSelect
                value={target.documentId}
                disabled={locked || !type}
                onChange={(value: string | number) =>
                  setDraft({
                    ...draft,
                    target: { ...target, documentId: String(value) },
                    arms: draft.arms.map((arm) => ({ ...arm, variants: [] })),
                    factors: withoutVariants(draft.factors),
                  })
                }
              >
                {[
                  ...(entries ?? []),
                  ...(entries?.some((entry) => entry.documentId === target.documentId) || !target.documentId
                    ? []
                    : [{ documentId: target.documentId, label: target.documentId }]),
                ].map((entry) => (
                  <SingleSelectOption key={entry.documentId} value={entry.documentId}>
                    {entry.label}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Grid.Item>
        </Grid.Root>
      ) : null}
    </Flex>
  );
};
