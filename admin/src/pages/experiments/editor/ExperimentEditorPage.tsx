import { useEffect, useMemo, useRef, useState } from 'react';

import { Box, Button, Flex, Typography, VisuallyHidden } from '@strapi/design-system';
import { ArrowLeft, ChartPie, Check } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { styled } from 'styled-components';
import { Link as RouterLink, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { createExperiment, getExperiment, updateExperiment, type Experiment } from '../../../api';
import { useAudiences } from '../../../hooks/useAudiences';
import { usePluginPermissions } from '../../../hooks/usePluginPermissions';
import {
  draftFromExperiment,
  draftProblems,
  emptyDraft,
  inputFromDraft,
  serverErrorsByField,
  slugify,
  type ExperimentDraft,
} from '../../../experiments/draft';
import { useT, type T } from '../../../experiments/i18n';
import { EXPERIMENTS_PATH } from '../../../experiments/paths';
import { errorDetails, errorMessage, errorStatus } from '../../../utils/api';
import { problemText } from '../ArmsEditor';
import { focusFirstOrHeading } from '../focus';
import { LifecycleActions, StatusBadge } from '../LifecycleActions';
import { useTargetTypes, useTargetVariants } from '../useTargets';
import { AboutCard } from './AboutCard';
import { ArmsCard } from './ArmsCard';
import { AudienceCard } from './AudienceCard';
import { CupedCard } from './CupedCard';
import { FactorsCard } from './FactorsCard';
import { GoalCard } from './GoalCard';
import { GuardrailsCard } from './GuardrailsCard';
import { ModeCard } from './ModeCard';
import { NamespaceCard } from './NamespaceCard';
import { PowerCard } from './PowerCard';

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

/**
 * The form's labels and chosen values wrap (the design system cuts them with an ellipsis, and long
 * French labels such as "Fenêtre (heures après la première exposition)" lose their end at phone width).
 */
const WrappingLabels = styled.div`
  label,
  [role='combobox'] span {
    white-space: normal;
    text-overflow: clip;
    overflow: visible;
    overflow-wrap: anywhere;
  }
`;

/**
 * What a save leaves for the page that shows the saved experiment (a new one is saved from
 * `experiments/new` and shown at its own address, a new mount): what to announce, and that focus
 * goes on from the header's actions.
 */
interface SavedState {
  saved: string;
}

const isSavedState = (state: unknown): state is SavedState =>
  typeof state === 'object' && state !== null && typeof (state as { saved?: unknown }).saved === 'string';

/** Create or edit an experiment: what is tested, arms, who takes part, goal, mode, and how long to run. */
export const ExperimentEditorPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const t = useT();
  const client = useFetchClient();
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
  const location = useLocation();
  // Said in the live region after a save; its presence also asks for focus on the header's actions.
  const [announcement, setAnnouncement] = useState('');
  const [focusAfterSave, setFocusAfterSave] = useState(isSavedState(location.state));
  const headerActions = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!documentId) return;
    getExperiment(client, documentId)
      .then((experiment) => {
        setStored(experiment);
        setDraft(draftFromExperiment(experiment));
      })
      .catch((reason: unknown) => setLoadError(errorStatus(reason) ?? errorMessage(reason)));
  }, [client, documentId]);

  // Saved, Save turns disabled and would drop focus to the page: it goes to Start (the next step of a
  // draft) or, when there is none, to the page's title.
  useEffect(() => {
    if (!focusAfterSave || !stored) return;
    setFocusAfterSave(false);
    focusFirstOrHeading(headerActions.current, '[data-lifecycle="start"]');
    // Arrived from `experiments/new`: said now that the live region is on the page (said at its
    // mount, it would not be read); the state goes, so a reload says nothing.
    if (isSavedState(location.state)) {
      setAnnouncement(location.state.saved);
      navigate(location.pathname, { replace: true, state: null });
    }
  }, [focusAfterSave, stored, location, navigate]);

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
  const card = { draft, change, errors, readOnly, started, t };
  const dirty = !stored || JSON.stringify(inputFromDraft(draftFromExperiment(stored))) !== JSON.stringify(inputFromDraft(draft));

  const save = async () => {
    setTouched(true);
    if (Object.keys(problems).length > 0 || !conditionValid) return;
    setSaving(true);
    setServerErrors({});
    try {
      const body = inputFromDraft(draft);
      const saved = documentId ? await updateExperiment(client, documentId, body) : await createExperiment(client, body);
      const message = t('saved', 'Experiment "{name}" saved', { name: saved.name });
      toggleNotification({ type: 'success', message });
      setStored(saved);
      setDraft(draftFromExperiment(saved));
      setAnnouncement(message);
      setFocusAfterSave(true);
      // The same page (or, should the router mount it anew, its next mount, told by the state).
      if (!documentId)
        navigate(`${EXPERIMENTS_PATH}/${saved.documentId}`, { replace: true, state: { saved: message } satisfies SavedState });
    } catch (reason) {
      const details = errorDetails(reason);
      const byField = serverErrorsByField(details);
      if (!details.length) byField.form = errorMessage(reason);
      // A range that overlaps another experiment of the namespace (409 naming it): said at the range.
      if (errorStatus(reason) === 409 && draft.namespace) {
        byField['namespace.range'] = errorMessage(reason);
        delete byField.form;
      }
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
      !/^(name|key|hypothesis|target|arms(\.\d+\.(key|weight|variants))?|traffic|condition|(goal|secondary\.\d+|guardrails\.\d+)\.(event|kind|windowHours|cap|direction)|factors(\.\d+\.(key|name|levels(\.\d+\.(key|name|variants))?))?|mode|bandit\..+|contextual\..+|namespace\.(key|range))$/.test(
        field
      )
  );

  const saveButton =
    canManageExperiments && !readOnly ? (
      <Button startIcon={<Check />} loading={saving} disabled={!dirty} onClick={save}>
        {t('save', 'Save')}
      </Button>
    ) : null;

  return (
    <>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        {/* Not Layouts.Header: scrolled, it turns into a bar fixed at the top of the window, over
            Strapi's notifications and banners there; Save is repeated under the last card instead. */}
        <Layouts.BaseHeader
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
            // Wraps at phone width, so Save stays on screen.
            <Flex gap={2} wrap="wrap" ref={headerActions}>
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
              {saveButton}
            </Flex>
          }
          secondaryAction={stored ? <StatusBadge status={stored.status} t={t} /> : undefined}
        />
        <VisuallyHidden role="status">{announcement}</VisuallyHidden>
        <Layouts.Content>
          <WrappingLabels>
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
              <AboutCard {...card} types={types} type={type} />
              {draft.mode === 'multivariate' ? <FactorsCard {...card} variants={variants} /> : <ArmsCard {...card} variants={variants} />}
              <AudienceCard {...card} audiences={audiences} onValidityChange={setConditionValid} />
              <GoalCard {...card} />
              <GuardrailsCard {...card} />
              <NamespaceCard {...card} />
              <CupedCard {...card} />
              <ModeCard {...card} />
              {!started ? <PowerCard draft={draft} t={t} /> : null}
              {saveButton ? (
                <Flex justifyContent="flex-end" data-testid="experiment-editor-footer">
                  {saveButton}
                </Flex>
              ) : null}
            </Flex>
          </WrappingLabels>
        </Layouts.Content>
      </Page.Main>
    </>
  );
};

export default ExperimentEditorPage;
