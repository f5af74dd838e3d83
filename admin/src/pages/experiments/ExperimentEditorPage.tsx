import { useEffect, useMemo, useState } from 'react';

import {
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  Grid,
  IconButton,
  NumberInput,
  Radio,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, ChartPie, Check, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { EXPERIMENT_LIMITS } from '../../../../contracts/src/experiments';
import { RuleBuilder } from '../../components/RuleBuilder/RuleBuilder';
import { Card } from '../../components/Figure';
import { useAudiences } from '../../hooks/useAudiences';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import {
  draftFromExperiment,
  draftProblems,
  emptyDraft,
  emptyGoal,
  inputFromDraft,
  serverErrorsByField,
  slugify,
  type ExperimentDraft,
  type GoalDraft,
} from '../../experiments/draft';
import { modeLabel, useT, type T } from '../../experiments/i18n';
import { evenPercents } from '../../experiments/weights';
import { EXPERIMENTS_PATH } from '../../experiments/paths';
import { adminApi, errorDetails, errorMessage, errorStatus, type Experiment } from '../../utils/api';
import { ArmsEditor, problemText } from './ArmsEditor';
import { LifecycleActions, StatusBadge } from './LifecycleActions';
import { PowerCalculator } from './PowerCalculator';
import { useTargetEntries, useTargetTypes, useTargetVariants, type TargetType } from './useTargets';

/**
 * `experiments/new?uid=&documentId=&locale=&variants=a,b` (from "Test these variants"): a draft that
 * targets the entry, with a control arm and an arm with those variants.
 */
const draftFromSearch = (search: URLSearchParams, t: T): ExperimentDraft => {
  const draft = emptyDraft({ control: t('arms.control', 'Control'), treatment: t('arms.treatment', 'Variants') });
  const uid = search.get('uid');
  const documentId = search.get('documentId');
  if (!uid || !documentId) return draft;
  const variants = (search.get('variants') ?? '').split(',').filter(Boolean);
  const entry = search.get('title');
  const name = entry ? t('new.fromEntry', 'Variants of “{entry}” vs. no personalization', { entry }).slice(0, 120) : '';
  return {
    ...draft,
    name,
    key: slugify(name),
    target: { uid, documentId, locale: search.get('locale') || null },
    arms: [draft.arms[0], { ...draft.arms[1], variants }],
  };
};

const Section = ({
  title,
  description,
  children,
  testId,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
  testId?: string;
}) => (
  <Card testId={testId}>
    <Flex direction="column" alignItems="stretch" gap={1}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {description ? (
        <Typography variant="pi" textColor="neutral600">
          {description}
        </Typography>
      ) : null}
    </Flex>
    {children}
  </Card>
);

/** The target: a content type with the variants field, its locale and the entry. */
const TargetFields = ({
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
  const { get } = useFetchClient();
  const [locales, setLocales] = useState<{ code: string; name: string }[]>([]);
  const target = draft.target;
  const entries = useTargetEntries(type, target?.locale ?? null);
  useEffect(() => {
    if (!type?.localized) return;
    get<{ code: string; name: string }[]>('/i18n/locales')
      .then(({ data }) => setLocales(data))
      .catch(() => setLocales([]));
  }, [get, type?.localized]);

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
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
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
            <Grid.Item col={2} s={12} direction="column" alignItems="stretch">
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
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
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

/** A goal's event, kind, window and (mean goals) cap; field errors under `<prefix>.event`, `.kind`, `.windowHours`, `.cap`. */
const GoalFields = ({
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
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
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
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
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
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
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
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
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

/** Create or edit an experiment: what is tested, arms, who takes part, goal, mode, and how long to run. */
export const ExperimentEditorPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const t = useT();
  const { get, post, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canRead, canManageExperiments } = usePluginPermissions();
  const { audiences } = useAudiences(canRead);
  const { types } = useTargetTypes();
  const [stored, setStored] = useState<Experiment | null>(null);
  const [draft, setDraft] = useState<ExperimentDraft | null>(documentId ? null : () => draftFromSearch(search, t));
  const [loadError, setLoadError] = useState<number | string | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [conditionValid, setConditionValid] = useState(true);

  useEffect(() => {
    if (!documentId) return;
    get<{ data: Experiment }>(adminApi.experiment(documentId))
      .then(({ data }) => {
        setStored(data.data);
        setDraft(draftFromExperiment(data.data));
      })
      .catch((reason: unknown) => setLoadError(errorStatus(reason) ?? errorMessage(reason)));
  }, [get, documentId]);

  const type = useMemo(() => types?.find((candidate) => candidate.uid === draft?.target?.uid), [types, draft?.target?.uid]);
  const { variants } = useTargetVariants(type, draft?.target?.documentId || undefined, draft?.target?.locale ?? null);

  if (loadError === 404) return <Page.NoData />;
  if (loadError !== null) return <Page.Error />;
  if (!draft) return <Page.Loading />;

  const problems = draftProblems(draft);
  const errors: Record<string, string> = { ...serverErrors };
  if (touched) for (const [field, problem] of Object.entries(problems)) errors[field] ??= problemText(problem, t);
  const started = draft.status !== 'draft';
  const readOnly = !canManageExperiments || draft.status === 'stopped';
  const change = (next: ExperimentDraft) => {
    setDraft(next);
    setServerErrors({});
  };
  const dirty = !stored || JSON.stringify(inputFromDraft(draftFromExperiment(stored))) !== JSON.stringify(inputFromDraft(draft));

  const save = async () => {
    setTouched(true);
    if (Object.keys(problems).length > 0 || !conditionValid) return;
    setSaving(true);
    setServerErrors({});
    try {
      const body = inputFromDraft(draft);
      const { data } = documentId
        ? await put<{ data: Experiment }>(adminApi.experiment(documentId), body)
        : await post<{ data: Experiment }>(adminApi.experiments, body);
      toggleNotification({ type: 'success', message: t('saved', 'Experiment "{name}" saved', { name: data.data.name }) });
      setStored(data.data);
      setDraft(draftFromExperiment(data.data));
      if (!documentId) navigate(`${EXPERIMENTS_PATH}/${data.data.documentId}`, { replace: true });
    } catch (reason) {
      const details = errorDetails(reason);
      const byField = serverErrorsByField(details);
      if (!details.length) byField.form = errorMessage(reason);
      setServerErrors(byField);
      toggleNotification({
        type: 'danger',
        message: t('saveFailed', 'The experiment was not saved: see the fields marked in red.'),
      });
    } finally {
      setSaving(false);
    }
  };

  const title = documentId ? draft.name || draft.key : t('new.title', 'New experiment');
  const formErrors = Object.entries(errors).filter(
    ([field]) =>
      field === 'form' ||
      !/^(name|key|hypothesis|target|arms(\.\d+\.(key|weight|variants))?|traffic|condition|(goal|secondary\.\d+)\.(event|kind|windowHours|cap)|mode|bandit\..+)$/.test(
        field
      )
  );

  return (
    <>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={title}
          subtitle={
            started
              ? t('edit.runningSubtitle', 'Changes apply to new visitors; visitors already in an arm keep it.')
              : t('edit.subtitle', 'A draft: nothing changes for visitors until it is started.')
          }
          navigationAction={
            <Button tag={RouterLink} to={EXPERIMENTS_PATH} variant="ghost" startIcon={<ArrowLeft />}>
              {t('back', 'Experiments')}
            </Button>
          }
          primaryAction={
            <Flex gap={2}>
              {stored ? (
                <LifecycleActions
                  experiment={stored}
                  canManage={canManageExperiments}
                  disabled={dirty}
                  onChanged={(next) => {
                    setStored(next);
                    setDraft({ ...draft, status: next.status });
                  }}
                  t={t}
                />
              ) : null}
              {stored && stored.status !== 'draft' ? (
                <Button
                  tag={RouterLink}
                  to={`${EXPERIMENTS_PATH}/${stored.documentId}/results`}
                  variant="tertiary"
                  startIcon={<ChartPie />}
                >
                  {t('results.open', 'Results')}
                </Button>
              ) : null}
              {canManageExperiments && !readOnly ? (
                <Button startIcon={<Check />} loading={saving} disabled={!dirty} onClick={save}>
                  {t('save', 'Save')}
                </Button>
              ) : null}
            </Flex>
          }
          secondaryAction={stored ? <StatusBadge status={stored.status} t={t} /> : undefined}
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            {formErrors.length > 0 ? (
              <Box background="danger100" padding={4} hasRadius borderColor="danger200" role="alert">
                {formErrors.map(([field, message]) => (
                  <Typography key={field} tag="p" textColor="danger700">
                    {field === 'form' ? message : `${field}: ${message}`}
                  </Typography>
                ))}
              </Box>
            ) : null}
            <Section title={t('section.about', 'What is tested')}>
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
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
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
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
                      onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) =>
                        change({ ...draft, hypothesis: event.target.value })
                      }
                    />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
              <TargetFields
                draft={draft}
                setDraft={change}
                types={types}
                type={type}
                errors={errors}
                locked={readOnly || started}
                t={t}
              />
            </Section>

            <Section
              title={t('section.arms', 'Arms')}
              description={t(
                'section.arms.description',
                'Each visitor in the experiment gets one arm, at random by the weights, and keeps it. Results compare each arm with the first.'
              )}
              testId="section-arms"
            >
              <ArmsEditor
                arms={draft.arms}
                onChange={(arms) => change({ ...draft, arms })}
                variants={draft.target ? (variants ?? []) : null}
                errors={errors}
                lockKeys={started}
                disabled={readOnly}
                t={t}
              />
            </Section>

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
                    onValidityChange={setConditionValid}
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

            <Section
              title={t('section.goal', 'Goal')}
              description={t(
                'section.goal.description',
                'A conversion is a track event of this name from a visitor in the experiment, within the window after they first saw it.'
              )}
            >
              <GoalFields
                goal={draft.goal}
                prefix="goal"
                errors={errors}
                disabled={readOnly}
                locked={started}
                t={t}
                onChange={(goal) => change({ ...draft, goal })}
              />
              {started ? (
                <Box paddingTop={2}>
                  <Typography variant="pi" textColor="neutral600">
                    {t(
                      'goal.locked',
                      'Event, kind and cap are fixed once started: the counts are per goal. The window can still change.'
                    )}
                  </Typography>
                </Box>
              ) : null}
              <Box paddingTop={6}>
                <Typography variant="delta" tag="h3">
                  {t('section.secondary', 'Secondary goals')}
                </Typography>
                <Typography variant="pi" textColor="neutral600" tag="p">
                  {t(
                    'section.secondary.description',
                    'Also measured, never decisive on their own: their p-values are adjusted for testing several goals (Holm), so one of many is less likely to look like a win by chance.'
                  )}
                </Typography>
                {draft.secondary.map((goal, index) => (
                  <Box key={index} paddingTop={4} data-testid={`secondary-goal-${index}`}>
                    <Flex justifyContent="space-between" alignItems="center" paddingBottom={2}>
                      <Typography variant="sigma">{t('secondary.title', 'Secondary goal {n}', { n: index + 1 })}</Typography>
                      <IconButton
                        label={t('secondary.remove', 'Remove secondary goal {n}', { n: index + 1 })}
                        disabled={readOnly || started}
                        variant="ghost"
                        onClick={() =>
                          change({ ...draft, secondary: draft.secondary.filter((_, position) => position !== index) })
                        }
                      >
                        <Trash />
                      </IconButton>
                    </Flex>
                    <GoalFields
                      goal={goal}
                      prefix={`secondary.${index}`}
                      errors={errors}
                      disabled={readOnly}
                      locked={started}
                      t={t}
                      onChange={(next) =>
                        change({
                          ...draft,
                          secondary: draft.secondary.map((current, position) => (position === index ? next : current)),
                        })
                      }
                    />
                  </Box>
                ))}
                <Box paddingTop={4}>
                  <Button
                    variant="secondary"
                    startIcon={<Plus />}
                    disabled={readOnly || started || draft.secondary.length >= EXPERIMENT_LIMITS.maxSecondaryGoals}
                    onClick={() => change({ ...draft, secondary: [...draft.secondary, emptyGoal()] })}
                  >
                    {t('secondary.add', 'Add a secondary goal')}
                  </Button>
                </Box>
              </Box>
            </Section>

            <Section title={t('section.mode', 'Mode')}>
              <Radio.Group
                aria-label={t('section.mode', 'Mode')}
                value={draft.mode}
                disabled={readOnly || started}
                onValueChange={(value: string) => {
                  const mode = value === 'bandit' ? 'bandit' : 'ab';
                  const percents = evenPercents(draft.arms.length);
                  change({
                    ...draft,
                    mode,
                    arms: mode === 'bandit' ? draft.arms.map((arm, index) => ({ ...arm, percent: percents[index] })) : draft.arms,
                  });
                }}
              >
                <Radio.Item value="ab">{modeLabel('ab', t)}</Radio.Item>
                <Radio.Item value="bandit">{modeLabel('bandit', t)}</Radio.Item>
              </Radio.Group>
              <Typography variant="pi" textColor="neutral600">
                {draft.mode === 'bandit'
                  ? t(
                      'mode.bandit.description',
                      'The weights start as above, then move towards the arms that do best, once a day by default and once every arm has 100 visitors. Good to earn while testing; its lift estimates are less precise.'
                    )
                  : t('mode.ab.description', 'The weights stay as set: the cleanest comparison of the arms.')}
              </Typography>
              {draft.mode === 'bandit' ? (
                <Grid.Root gap={4}>
                  {(
                    [
                      ['cadenceMinutes', t('bandit.cadence', 'Update every (minutes)'), errors['bandit.cadenceMinutes']],
                      [
                        'burnInMinutes',
                        t('bandit.burnIn', 'Burn-in before the first update (minutes)'),
                        errors['bandit.burnInMinutes'],
                      ],
                      [
                        'minUnitsPerArm',
                        t('bandit.minUnits', 'Visitors per arm before updating'),
                        errors['bandit.minUnitsPerArm'],
                      ],
                      ['minWeightPercent', t('bandit.minWeight', 'Smallest weight of an arm (%)'), errors['bandit.minWeight']],
                    ] as const
                  ).map(([name, label, error]) => (
                    <Grid.Item key={name} col={3} s={6} xs={12} direction="column" alignItems="stretch">
                      <Field.Root
                        name={`bandit-${name}`}
                        error={error}
                        hint={t('bandit.default', 'Empty: the plugin’s configuration')}
                      >
                        <Field.Label>{label}</Field.Label>
                        <NumberInput
                          value={draft.bandit[name] ?? undefined}
                          disabled={readOnly}
                          onValueChange={(value: number | undefined) =>
                            change({ ...draft, bandit: { ...draft.bandit, [name]: value ?? null } })
                          }
                        />
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                  ))}
                </Grid.Root>
              ) : null}
            </Section>

            {!started ? (
              <Section title={t('section.power', 'How long to run: power and duration')}>
                <PowerCalculator
                  kind={draft.goal.kind}
                  arms={draft.arms.length}
                  trafficPercent={draft.trafficPercent ?? 0}
                  t={t}
                />
              </Section>
            ) : null}
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </>
  );
};

export default ExperimentEditorPage;
