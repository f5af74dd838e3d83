import { useCallback, useEffect, useState } from 'react';

import { Alert, Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Pencil, Sparkle } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink, useParams } from 'react-router-dom';

import {
  getExperiment,
  getExperimentResults,
  updateBanditWeights,
  type Experiment,
  type ExperimentResults,
} from '../../api';
import { Card } from '../../components/Figure';
import { Section } from '../../components/Section';
import { SectionTitle } from '../../components/SectionTitle';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { banditSeries, cumulateDaily } from '../../experiments/daily';
import { modeLabel, skipLabel, useT, type T } from '../../experiments/i18n';
import { chanceReading } from '../../experiments/next-step';
import { cellLabel } from '../../experiments/factors';
import { harmedGuardrails, type HarmedGuardrail } from '../../experiments/guardrails';
import { liftRows, observedShares, resultsByGoal } from '../../experiments/verdict';
import { errorMessage, errorStatus } from '../../utils/api';
import { BanditChart, EmptyChart, LiftChart, RateChart, UnitsChart, chartArms, useDayFormat, usePercent, type ChartArm } from './charts';
import { EXPERIMENTS_PATH } from '../../experiments/paths';
import { ContextualPanel } from './ContextualPanel';
import { CupedTable } from './CupedTable';
import { FactorialPanel } from './FactorialPanel';
import { GoalTable, readingText } from './GoalTable';
import { LifecycleActions, StatusBadge } from './LifecycleActions';
import { NextStepCard } from './NextStep';


/** The guardrail banner (docs/experiments.md, "Guardrails"): each arm that harms a guardrail, and by how much. */
const GuardrailBanner = ({ harmed, labelOf, t }: { harmed: HarmedGuardrail[]; labelOf: (key: string) => string; t: T }) => {
  const percent = usePercent();
  // Dismissed for this view only: it is back on the next load while the arm still harms the guardrail.
  const [open, setOpen] = useState(true);
  if (!open) return null;
  return (
    <Box data-testid="guardrail-banner">
      <Alert variant="danger" title={t('guardrail.title', 'A guardrail is harmed')} closeLabel={t('close', 'Close')} onClose={() => setOpen(false)}>
        {harmed.map((item) => (
          // The Alert's body is a paragraph: one line per harm, as blocks inside it.
          <Typography key={`${item.arm}-${item.goal}`} tag="span" display="block" data-testid={`guardrail-harm-${item.arm}-${item.goal}`}>
            {t(
              item.direction === 'increase' ? 'guardrail.lowers' : 'guardrail.raises',
              item.direction === 'increase'
                ? 'Arm {arm} lowers “{goal}”, which should go up: its sequential interval is {low} to {high}. Do not ship it.'
                : 'Arm {arm} raises “{goal}”, which should go down: its sequential interval is {low} to {high}. Do not ship it.',
              { arm: labelOf(item.arm), goal: item.goal, low: percent(item.ci[0]), high: percent(item.ci[1]) }
            )}
          </Typography>
        ))}
      </Alert>
    </Box>
  );
};

/** The sample-ratio-mismatch banner: the split is off, what to check, and not to trust the results meanwhile. */
const SrmBanner = ({ results, arms, t }: { results: ExperimentResults; arms: ChartArm[]; t: T }) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const shares = observedShares(results.arms);
  return (
    <Box background="danger100" borderColor="danger200" hasRadius padding={5} role="alert" data-testid="srm-banner">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="delta" tag="h2" textColor="danger700">
          {t('srm.title', 'Visitors are not split as the weights say (sample ratio mismatch)')}
        </Typography>
        <Typography>
          {t(
            'srm.body',
            'The arms got {split} of the visitors where the weights ask for {weights} (p = {p}). Something lets visitors of one arm in more often than the other, so the comparison is biased. Do not trust these results until it is fixed.',
            {
              split: shares.map((share, index) => `${arms[index]?.label ?? ''} ${share === null ? '—' : percent(share)}`).join(', '),
              weights: results.arms.map((arm, index) => `${arms[index]?.label ?? arm.key} ${percent(arm.weight)}`).join(', '),
              p: results.srm.pValue === null ? '—' : formatNumber(results.srm.pValue, { notation: 'scientific', maximumFractionDigits: 1 }),
            }
          )}
        </Typography>
        <Typography fontWeight="bold">{t('srm.check', 'What to check:')}</Typography>
        <Box tag="ul" paddingLeft={5}>
          {[
            t('srm.check.redirects', 'Redirects, caching or a CDN that serve one arm’s page without reaching delivery, or drop its visitors.'),
            t('srm.check.bots', 'Bots or crawlers hitting one arm more than the other.'),
            t('srm.check.changes', 'Weights or traffic changed while the test ran (for an A/B test, restart rather than edit).'),
            t('srm.check.crashes', 'An arm that crashes, loads slowly or breaks tracking, so its visitors leave before being counted.'),
          ].map((line) => (
            <Typography key={line} tag="li" style={{ listStyle: 'disc' }}>
              {line}
            </Typography>
          ))}
        </Box>
      </Flex>
    </Box>
  );
};


/** An experiment's results: the split's health, each arm against the baseline, and the charts. */
export const ExperimentResultsPage = () => {
  const { documentId = '' } = useParams<{ documentId: string }>();
  const t = useT();
  const client = useFetchClient();
  const { formatDate, formatNumber } = useIntl();
  const percent = usePercent();
  const formatDay = useDayFormat();
  const { toggleNotification } = useNotification();
  const { canManageExperiments } = usePluginPermissions();
  const [experiment, setExperiment] = useState<Experiment | null>(null);
  const [results, setResults] = useState<ExperimentResults | null>(null);
  const [error, setError] = useState<{ status?: number; message: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const [updating, setUpdating] = useState(false);
  const [banditMessage, setBanditMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [one, many] = await Promise.all([getExperiment(client, documentId), getExperimentResults(client, documentId)]);
      setExperiment(one);
      setResults(many);
      setError(null);
    } catch (reason) {
      setError({ status: errorStatus(reason), message: errorMessage(reason) });
    } finally {
      setLoading(false);
    }
  }, [client, documentId]);

  useEffect(() => {
    void load();
  }, [load]);

  const updateBandit = async () => {
    setUpdating(true);
    try {
      const update = await updateBanditWeights(client, documentId);
      setBanditMessage(
        update.updated
          ? { ok: true, text: t('bandit.updated', 'Weights updated: {weights}', { weights: update.weights.map((weight) => percent(weight)).join(' / ') }) }
          : { ok: false, text: skipLabel(update.reason, t) }
      );
      await load();
    } catch (reason) {
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setUpdating(false);
    }
  };

  if (error?.status === 404 && !experiment) return <Page.NoData />;
  if (error && !results) {
    return (
      <Page.Main>
        <Layouts.Content>
          <Box paddingTop={8}>
            <Alert variant="danger" title={t('results.failed', 'The results could not be loaded:')} closeLabel={t('close', 'Close')}>
              {error.message}
            </Alert>
          </Box>
        </Layouts.Content>
      </Page.Main>
    );
  }
  if (!experiment || !results) return <Page.Loading />;

  // The results' arm order is the experiment's; names come from the experiment, a multivariate cell's from its levels.
  const resultArms = chartArms(
    results.arms.map((arm) => ({
      key: arm.key,
      name: (experiment.factors ? cellLabel(experiment.factors, arm.key) : null) ?? experiment.arms.find((item) => item.key === arm.key)?.name,
    }))
  );
  const days = cumulateDaily(results.daily, results.arms.map((arm) => arm.key));
  const goals = resultsByGoal(results);
  const primary = goals[0];
  const lifts = liftRows(primary?.results.filter((row) => row.arm !== row.baseline) ?? [], experiment.goal.kind);
  const points = results.bandit ? banditSeries(results.bandit.history, results.arms.map((arm) => arm.key)) : [];
  const totalUnits = results.arms.reduce((sum, arm) => sum + arm.units, 0);
  const goalKind = experiment.goal.kind;
  const kindOf = (goal: string) =>
    results.goals?.find((item) => item.goal === goal)?.kind ??
    (goal === experiment.goal.event ? goalKind : (experiment.secondary?.find((item) => item.event === goal)?.kind ?? 'conversion'));
  const labelOf = (key: string) => resultArms.find((arm) => arm.key === key)?.label ?? key;
  const harmed = harmedGuardrails(results);
  // A line needs two points: with one day (or one bandit record) the charts say so instead of drawing a lone dot.
  const oneDay = days.length === 1 ? formatDay(days[0].date) : null;
  const pBestPoints = points.filter((point) => point.pBest !== null).length;

  return (
    <>
      <Page.Title>{t('results.title', 'Results: {name}', { name: experiment.name })}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('results.title', 'Results: {name}', { name: experiment.name })}
          subtitle={t('results.subtitle', '{mode} · goal “{goal}” · {units} visitors · updated {at}', {
            mode: modeLabel(experiment.mode, t),
            goal: experiment.goal.event,
            units: formatNumber(totalUnits),
            at: formatDate(results.updatedAt, { dateStyle: 'medium', timeStyle: 'short' }),
          })}
          navigationAction={
            <Button tag={RouterLink} to={EXPERIMENTS_PATH} variant="ghost" startIcon={<ArrowLeft />}>
              {t('back', 'Experiments')}
            </Button>
          }
          primaryAction={
            <LifecycleActions
              experiment={experiment}
              canManage={canManageExperiments}
              onChanged={(next) => {
                setExperiment(next);
                void load();
              }}
              t={t}
            />
          }
          secondaryAction={<StatusBadge status={experiment.status} t={t} />}
        />
        <Layouts.Action
          endActions={
            <>
              <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={loading} onClick={() => void load()}>
                {t('results.refresh', 'Refresh')}
              </Button>
              <Button tag={RouterLink} to={`${EXPERIMENTS_PATH}/${experiment.documentId}`} variant="secondary" startIcon={<Pencil />}>
                {canManageExperiments ? t('results.edit', 'Edit') : t('results.settings', 'Settings')}
              </Button>
            </>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            {!results.srm.ok ? <SrmBanner results={results} arms={resultArms} t={t} /> : null}
            {harmed.length > 0 ? <GuardrailBanner harmed={harmed} labelOf={labelOf} t={t} /> : null}
            <Typography variant="pi" textColor={results.srm.ok ? 'neutral600' : 'danger600'} data-testid="srm-state">
              {results.srm.ok
                ? results.srm.pValue === null
                  ? t('srm.unknown', 'Traffic split: not enough visitors to check it yet.')
                  : t('srm.ok', 'Traffic split: as the weights say (sample ratio check p = {p}).', { p: formatNumber(results.srm.pValue, { maximumFractionDigits: 3 }) })
                : t('srm.bad', 'Traffic split: mismatch, see above.')}
            </Typography>

            {results.contextual ? (
              // A contextual experiment's next step is per rule: freeze the rules that are settled.
              <ContextualPanel
                experiment={experiment}
                contextual={results.contextual}
                arms={resultArms}
                canManage={canManageExperiments}
                onChanged={load}
                t={t}
              />
            ) : (
              <NextStepCard
                experiment={experiment}
                results={results}
                arms={resultArms}
                canManage={canManageExperiments}
                onShipped={(next) => {
                  setExperiment(next);
                  void load();
                }}
                t={t}
              />
            )}

            {experiment.mode === 'multivariate' && results.factors ? <FactorialPanel experiment={experiment} results={results} t={t} /> : null}

            <Section
              title={t('results.summary', 'Each arm against the baseline')}
              description={t(
                'results.summary.description',
                'Read the sequential interval: it stays valid however often you look. An arm is better when its whole interval is above 0%. "Not enough data" until every arm has visitors and the baseline has conversions.'
              )}
              testId="results-summary"
            >
              {goals.length === 0 ? (
                <Typography textColor="neutral600">{t('results.none', 'No visitor in the experiment yet.')}</Typography>
              ) : (
                goals.map((goal, index) => (
                  <Flex key={goal.goal} direction="column" alignItems="stretch" gap={2}>
                    {goals.length > 1 ? (
                      <Typography variant="sigma" tag="h3">
                        {index === 0
                          ? t('results.primaryGoal', 'Primary goal: {goal}', { goal: goal.goal })
                          : goal.results[0]?.guardrail
                            ? t(
                                goal.results[0].guardrail.direction === 'increase' ? 'results.guardrailUp' : 'results.guardrailDown',
                                goal.results[0].guardrail.direction === 'increase' ? 'Guardrail: {goal} (should not go down)' : 'Guardrail: {goal} (should not go up)',
                                { goal: goal.goal }
                              )
                            : t('results.secondaryGoal', 'Secondary goal: {goal} (Holm-corrected)', { goal: goal.goal })}
                      </Typography>
                    ) : null}
                    <Box style={{ overflowX: 'auto' }}>
                      <GoalTable goal={goal.goal} rows={goal.results} results={results} arms={resultArms} kind={kindOf(goal.goal)} t={t} />
                    </Box>
                    <CupedTable goal={goal.goal} rows={goal.results} kind={kindOf(goal.goal)} labelOf={labelOf} t={t} />
                    <Flex tag="ul" direction="column" alignItems="stretch" gap={1} data-testid={`readings-${goal.goal}`}>
                      {goal.results
                        .filter((row) => row.arm !== row.baseline)
                        .map((row) => (
                          <Typography key={row.arm} tag="li" variant="pi" textColor="neutral700" data-testid={`reading-${goal.goal}-${row.arm}`}>
                            {readingText(chanceReading(row, results.alpha), labelOf(row.arm), t, percent, (value) => formatNumber(value, { maximumSignificantDigits: 2 }))}
                          </Typography>
                        ))}
                    </Flex>
                  </Flex>
                ))
              )}
            </Section>

            {results.bandit && !results.contextual ? (
              <Card testId="bandit-panel">
                <Flex justifyContent="space-between" wrap="wrap" gap={2}>
                  <SectionTitle
                    title={t('bandit.title', 'Bandit weights')}
                    description={
                      results.bandit.nextUpdateAt
                        ? t('bandit.next', 'Now {weights}. Next update: {at}.', {
                            weights: results.bandit.weights.map((weight, index) => `${resultArms[index]?.label ?? ''} ${percent(weight)}`).join(', '),
                            at: formatDate(results.bandit.nextUpdateAt, { dateStyle: 'medium', timeStyle: 'short' }),
                          })
                        : t('bandit.now', 'Now {weights}. No update is scheduled (not running).', {
                            weights: results.bandit.weights.map((weight, index) => `${resultArms[index]?.label ?? ''} ${percent(weight)}`).join(', '),
                          })
                    }
                  />
                  {canManageExperiments && experiment.status === 'running' ? (
                    <Button variant="secondary" startIcon={<Sparkle />} loading={updating} onClick={updateBandit}>
                      {t('bandit.update', 'Update weights now')}
                    </Button>
                  ) : null}
                </Flex>
                {banditMessage ? (
                  <Typography textColor={banditMessage.ok ? 'success700' : 'neutral800'} role="status" data-testid="bandit-message">
                    {banditMessage.text}
                  </Typography>
                ) : null}
              </Card>
            ) : null}

            <Grid.Root gap={6}>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                {oneDay !== null ? (
                  <EmptyChart testId="chart-units-one-day" title={t('chart.units.title', 'Visitors in each arm (cumulative)')} text={t('chart.oneDay', 'One day of data so far ({day}): the chart draws a line from the second day. The table above has the numbers.', { day: oneDay })} />
                ) : days.length > 0 ? (
                  <UnitsChart days={days} arms={resultArms} t={t} />
                ) : (
                  <EmptyChart testId="chart-units-empty" title={t('chart.units.title', 'Visitors in each arm (cumulative)')} text={t('chart.noVisitors', 'No visitor in the experiment yet: the chart fills in as visitors are exposed.')} />
                )}
              </Grid.Item>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                {oneDay !== null ? (
                  <EmptyChart testId="chart-rate-one-day" title={t('chart.rate.title', 'Conversion rate of each arm (cumulative)')} text={t('chart.oneDay', 'One day of data so far ({day}): the chart draws a line from the second day. The table above has the numbers.', { day: oneDay })} />
                ) : days.length > 0 ? (
                  <RateChart days={days} arms={resultArms} goal={experiment.goal.event} t={t} />
                ) : (
                  <EmptyChart testId="chart-rate-empty" title={t('chart.rate.title', 'Conversion rate of each arm (cumulative)')} text={t('chart.noVisitors', 'No visitor in the experiment yet: the chart fills in as visitors are exposed.')} />
                )}
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                {lifts.length > 0 ? (
                  <LiftChart rows={lifts} arms={resultArms} t={t} />
                ) : (
                  <EmptyChart
                    testId="chart-lift-empty"
                    title={t('chart.lift.title', 'Lift against the baseline, with its sequential interval')}
                    text={t('chart.lift.none', 'Not enough data yet: the lift appears once every arm has visitors and the baseline has conversions.')}
                  />
                )}
              </Grid.Item>
              {results.bandit && !results.contextual ? (
                <>
                  <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                    {points.length > 1 ? (
                      <BanditChart points={points} arms={resultArms} metric="weights" t={t} />
                    ) : (
                      <EmptyChart
                        testId="chart-weights-one-point"
                        title={t('chart.weights.title', 'Bandit weights over time')}
                        text={t('chart.weights.onePoint', 'Only the starting weights so far (see above): the chart draws a line from the first update.')}
                      />
                    )}
                  </Grid.Item>
                  <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                    {pBestPoints > 1 ? (
                      <BanditChart points={points} arms={resultArms} metric="pBest" t={t} />
                    ) : pBestPoints === 1 ? (
                      <EmptyChart
                        testId="chart-pbest-one-point"
                        title={t('chart.pBest.title', 'Chance of being the best arm over time')}
                        text={t('chart.pBest.onePoint', 'One update so far: the chart draws a line from the second update.')}
                      />
                    ) : (
                      <EmptyChart
                        testId="chart-pbest-empty"
                        title={t('chart.pBest.title', 'Chance of being the best arm over time')}
                        text={t('chart.pBest.none', 'Appears after the first update of the weights.')}
                      />
                    )}
                  </Grid.Item>
                </>
              ) : null}
            </Grid.Root>
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </>
  );
};

export default ExperimentResultsPage;
