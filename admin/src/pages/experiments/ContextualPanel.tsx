import { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { Badge, Box, Button, Flex, Link, Modal, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { Lock, Play, Sparkle } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink } from 'react-router-dom';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

import {
  freezeContextualLeaf,
  updateBanditWeights,
  type ContextualLeafResult,
  type ContextualResults,
  type Experiment,
} from '../../api';
import { ColumnHeader } from '../../components/ColumnHeader';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Card, Code } from '../../components/Figure';
import { SectionTitle } from '../../components/SectionTitle';
import { TestPanel } from '../../components/TestPanel/TestPanel';
import { bestArm, describeLeaf, leafWeightSeries, sampleSignals, type LeafWeightPoint } from '../../experiments/contextual';
import { skipLabel, type T } from '../../experiments/i18n';
import { useSignals } from '../../hooks/useSignals';
import { errorMessage } from '../../utils/api';
import { getTranslation } from '../../utils/getTranslation';
import { ChartFigure, EmptyChart, usePercent, type ChartArm } from './charts';
import { useTargetTypes } from './useTargets';

const CELL: React.CSSProperties = { whiteSpace: 'normal' };
const AXIS_FONT = { fontSize: 12 };
const LEGEND_STYLE: React.CSSProperties = { fontSize: 14, lineHeight: '20px' };
const MARGIN = { top: 8, right: 24, bottom: 24, left: 16 };

/** Where the Content Manager edits an entry (a react-router path under the admin's base). */
const entryPath = (entry: { uid: string; documentId: string; locale?: string | null }, kind: 'collectionType' | 'singleType' | undefined) => {
  const base = kind === 'singleType' ? `/content-manager/single-types/${entry.uid}` : `/content-manager/collection-types/${entry.uid}/${entry.documentId}`;
  return entry.locale ? `${base}?plugins[i18n][locale]=${encodeURIComponent(entry.locale)}` : base;
};

/** A value of the primary goal in words: a rate as a percentage, a mean as a number. */
const useGoalValue = (kind: 'conversion' | 'mean') => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  return (value: number) => (kind === 'mean' ? formatNumber(value, { maximumFractionDigits: 3 }) : percent(value, 2));
};

/** The policy's estimated value against giving every arm the same share, in words. */
const PolicyText = ({ policy, kind, t }: { policy: ContextualResults['policy']; kind: 'conversion' | 'mean'; t: T }) => {
  const value = useGoalValue(kind);
  const { formatNumber } = useIntl();
  if (policy.value === null || policy.uniform === null) {
    return (
      <Typography textColor="neutral600" data-testid="contextual-policy">
        {t('contextual.policy.none', 'Not enough data yet to estimate what the rules earn against an even split.')}
      </Typography>
    );
  }
  const interval = (ci: [number, number] | null) =>
    ci ? t('contextual.policy.interval', '95% interval {low} to {high}', { low: value(ci[0]), high: value(ci[1]) }) : t('contextual.policy.noInterval', 'no interval yet');
  return (
    <Typography data-testid="contextual-policy">
      {t(
        'contextual.policy.text',
        'Serving by these rules earns about {value} per visitor ({interval}); giving every arm the same share would earn {uniform} ({uniformInterval}). Estimated from {units} visitors, each weighted by the chance the rules gave their arm (self-normalised inverse propensity weighting).',
        {
          value: value(policy.value),
          interval: interval(policy.ci),
          uniform: value(policy.uniform),
          uniformInterval: interval(policy.uniformCi),
          units: formatNumber(policy.units),
        }
      )}
    </Typography>
  );
};

/** A leaf's weights over the model versions it existed in (recharts, with the same numbers as a table). */
const LeafWeightsChart = ({ points, arms, index, t }: { points: LeafWeightPoint[]; arms: ChartArm[]; index: number; t: T }) => {
  const percent = usePercent();
  const { formatDate } = useIntl();
  const at = (value: string) => formatDate(value, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const title = t('contextual.chart.title', 'Weights of rule {n} over model versions', { n: index + 1 });
  if (points.length < 2) {
    return (
      <EmptyChart
        testId={`contextual-chart-${index}-one-point`}
        title={title}
        text={t('contextual.chart.onePoint', 'This rule is in one model version so far: the chart draws a line from its second version.')}
      />
    );
  }
  return (
    <ChartFigure
      testId={`contextual-chart-${index}`}
      title={title}
      description={t('contextual.chart.description', 'Share of this rule’s new visitors sent to each arm, in each model version where the rule existed.')}
      table={{
        columns: [t('contextual.chart.version', 'Model version'), ...arms.map((arm) => arm.label)],
        rows: points.map((point) => [`${point.version} (${at(point.at)})`, ...arms.map((arm) => percent(point.weights[arm.key] ?? 0))]),
      }}
    >
      <LineChart data={points} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="at" tickFormatter={at} tick={AXIS_FONT} />
        <YAxis domain={[0, 1]} tickFormatter={(value: number) => percent(value, 0)} tick={AXIS_FONT} />
        <Tooltip labelFormatter={(label) => at(String(label))} formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))} />
        <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {arms.map((arm) => (
          <Line
            key={arm.key}
            type="stepAfter"
            dataKey={(point: LeafWeightPoint) => point.weights[arm.key] ?? 0}
            name={arm.label}
            stroke={arm.color}
            strokeWidth={2}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFigure>
  );
};

/** The live test in a dialog, opened with a visitor of the leaf: the entry's saved variants, as delivery serves them. */
const LeafTestModal = ({
  experiment,
  signals,
  title,
  onClose,
}: {
  experiment: Experiment;
  signals: Record<string, unknown>;
  title: string;
  onClose: () => void;
}) => {
  const { formatMessage } = useIntl();
  const target = experiment.target;
  // Opened from the leaf's Test button (not a Modal.Trigger): focus goes back to it on close.
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, []);
  const returnFocus = (event: Event) => {
    if (!opener.current?.isConnected) return;
    event.preventDefault();
    opener.current.focus();
  };
  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content onCloseAutoFocus={returnFocus}>
        <Modal.Header closeLabel={formatMessage({ id: getTranslation('common.closeDialog'), defaultMessage: 'Close the dialog' })}>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {target ? (
            <TestPanel
              request={{ uid: target.uid, documentId: target.documentId, ...(target.locale ? { locale: target.locale } : {}) }}
              initialSignals={signals}
            />
          ) : null}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{formatMessage({ id: getTranslation('common.close'), defaultMessage: 'Close' })}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

interface Frozen {
  variantId: string;
  entry: { uid: string; documentId: string; locale?: string };
}

/** One leaf: its rule in words (JSON-logic behind a disclosure), each arm's numbers, Test and Freeze, its weights' chart. */
const LeafCard = ({
  leaf,
  index,
  count,
  experiment,
  contextual,
  arms,
  canManage,
  frozen,
  onTest,
  onFreeze,
  t,
}: {
  leaf: ContextualLeafResult;
  index: number;
  count: number;
  experiment: Experiment;
  contextual: ContextualResults;
  arms: ChartArm[];
  canManage: boolean;
  frozen: Frozen | null;
  onTest: () => void;
  onFreeze: () => void;
  t: T;
}) => {
  const { formatMessage, formatNumber } = useIntl();
  const percent = usePercent();
  const value = useGoalValue(experiment.goal.kind);
  const { types } = useTargetTypes();
  const rule = describeLeaf(leaf.condition, formatMessage, { only: count === 1 });
  const best = bestArm(leaf.arms);
  const labelOf = (key: string) => arms.find((arm) => arm.key === key)?.label ?? key;
  const points = leafWeightSeries(contextual.history, leaf.id, arms.map((arm) => arm.key));
  const frozenId = frozen?.variantId ?? leaf.frozenVariantId;
  const target = frozen?.entry ?? experiment.target;
  const kind = types?.find((type) => type.uid === target?.uid)?.kind;
  const live = experiment.status === 'running' || experiment.status === 'paused';
  const freezeBlocked = !contextual.modelVersion
    ? t('contextual.freeze.notFitted', 'Freezing needs a fitted model: refit first.')
    : !experiment.target
      ? t('contextual.freeze.siteWide', 'This experiment is site-wide: there is no entry to write a variant on.')
      : null;
  return (
    <Box tag="li" padding={5} hasRadius borderColor="neutral200" background="neutral0" data-testid={`contextual-leaf-${index}`} data-leaf-id={leaf.id}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between" alignItems="flex-start" wrap="wrap" gap={2}>
          <Box>
            <Typography variant="delta" tag="h3" data-testid={`contextual-leaf-${index}-rule`}>
              {t('contextual.leaf.title', 'Rule {n}: {rule}', { n: index + 1, rule })}
            </Typography>
            <Typography variant="pi" textColor="neutral600" tag="p">
              {t('contextual.leaf.units', '{units} visitors while in this rule · best arm: {best}', {
                units: formatNumber(leaf.units),
                best: best ? t('contextual.leaf.best', '{arm} (P(best) {pBest})', { arm: labelOf(best.key), pBest: percent(best.pBest) }) : '—',
              })}
            </Typography>
          </Box>
          <Flex gap={2} wrap="wrap">
            {frozenId ? (
              <Badge variant="secondary" data-testid={`contextual-leaf-${index}-frozen`}>
                {t('contextual.leaf.frozen', 'Frozen as a variant')}
              </Badge>
            ) : null}
            {!leaf.srm.ok ? (
              <Badge variant="danger" data-testid={`contextual-leaf-${index}-srm`}>
                {t('contextual.leaf.srmBadge', 'Split mismatch')}
              </Badge>
            ) : null}
          </Flex>
        </Flex>
        {!leaf.srm.ok ? (
          <Typography textColor="danger600" role="alert">
            {t(
              'contextual.leaf.srm',
              'The visitors of this rule are not split as its weights say (p = {p}): something lets one arm’s visitors in more often. Do not trust this rule’s numbers until it is fixed.',
              { p: leaf.srm.pValue === null ? '—' : formatNumber(leaf.srm.pValue, { notation: 'scientific', maximumFractionDigits: 1 }) }
            )}
          </Typography>
        ) : null}
        {frozenId ? (
          <Typography data-testid={`contextual-leaf-${index}-frozen-text`}>
            {t('contextual.leaf.frozenText', 'Its visitors get the variant {variant} and are out of the experiment; delete that variant to give them back.', {
              variant: frozenId,
            })}{' '}
            {target ? (
              <Link tag={RouterLink} to={entryPath(target, kind)}>
                {t('contextual.leaf.openEntry', 'Open the entry')}
              </Link>
            ) : null}
          </Typography>
        ) : null}
        <Box style={{ overflowX: 'auto' }}>
          <Table colCount={6} rowCount={leaf.arms.length + 1} data-testid={`contextual-leaf-${index}-table`}>
            <Thead>
              <Tr>
                <ColumnHeader style={CELL}>{t('table.arm', 'Arm')}</ColumnHeader>
                <ColumnHeader style={CELL}>{t('table.units', 'Visitors')}</ColumnHeader>
                <ColumnHeader style={CELL}>
                  {experiment.goal.kind === 'mean' ? t('table.senders', 'Visitors who sent it') : t('table.conversions', 'Conversions')}
                </ColumnHeader>
                <ColumnHeader style={CELL}>{experiment.goal.kind === 'mean' ? t('table.mean', 'Mean') : t('table.rate', 'Conversion rate')}</ColumnHeader>
                <ColumnHeader style={CELL}>{t('contextual.table.pBest', 'P(best)')}</ColumnHeader>
                <ColumnHeader style={CELL}>{t('contextual.table.weight', 'Weight now')}</ColumnHeader>
              </Tr>
            </Thead>
            <Tbody>
              {leaf.arms.map((arm) => (
                <Tr key={arm.key} data-testid={`contextual-leaf-${index}-arm-${arm.key}`}>
                  <Td style={CELL}>
                    <Flex gap={2}>
                      <Box width="1rem" height="1rem" hasRadius style={{ background: arms.find((item) => item.key === arm.key)?.color, flexShrink: 0 }} aria-hidden="true" />
                      <Typography fontWeight="bold">{labelOf(arm.key)}</Typography>
                    </Flex>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{formatNumber(arm.units)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{formatNumber(arm.conversions)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{arm.mean === null ? t('noData', 'not enough data') : value(arm.mean)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{percent(arm.pBest)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{percent(arm.weight)}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Box>
        <details>
          <summary>
            <Typography variant="pi">{t('contextual.leaf.json', 'The rule as JSON-logic')}</Typography>
          </summary>
          <Box tag="pre" padding={2} background="neutral100" hasRadius style={{ overflow: 'auto', fontSize: '12px' }}>
            <Code>{JSON.stringify(leaf.condition, null, 2)}</Code>
          </Box>
        </details>
        <Flex gap={2} wrap="wrap">
          <Button variant="secondary" startIcon={<Play />} disabled={!experiment.target} onClick={onTest} data-testid={`contextual-leaf-${index}-test`}>
            {t('contextual.leaf.test', 'Test')}
          </Button>
          {canManage && live && !frozenId ? (
            <Button variant="tertiary" startIcon={<Lock />} disabled={freezeBlocked !== null} onClick={onFreeze} data-testid={`contextual-leaf-${index}-freeze`}>
              {t('contextual.leaf.freeze', 'Freeze as variant rule')}
            </Button>
          ) : null}
        </Flex>
        {!experiment.target ? (
          <Typography variant="pi" textColor="neutral600">
            {t('contextual.test.siteWide', 'Site-wide experiment: test a visitor of this rule from an entry whose variants reference the experiment.')}
          </Typography>
        ) : null}
        {canManage && live && !frozenId && freezeBlocked ? (
          <Typography variant="pi" textColor="neutral600">
            {freezeBlocked}
          </Typography>
        ) : null}
        <LeafWeightsChart points={points} arms={arms} index={index} t={t} />
      </Flex>
    </Box>
  );
};

/**
 * A contextual experiment's learned rules (docs/experiments.md, "Contextual bandits"): the model in force and
 * "Refit now", what the rules earn against an even split, and each leaf as a card.
 */
export const ContextualPanel = ({
  experiment,
  contextual,
  arms,
  canManage,
  onChanged,
  t,
}: {
  experiment: Experiment;
  contextual: ContextualResults;
  arms: ChartArm[];
  canManage: boolean;
  onChanged: () => Promise<void>;
  t: T;
}) => {
  const client = useFetchClient();
  const { formatDate, formatMessage } = useIntl();
  const { toggleNotification } = useNotification();
  const { vocabulary } = useSignals();
  const [refitting, setRefitting] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState<{ index: number; signals: Record<string, unknown> } | null>(null);
  const [freezing, setFreezing] = useState<number | null>(null);
  const [pending, setPending] = useState(false);
  const [frozen, setFrozen] = useState<Record<string, Frozen>>({});
  const { leaves } = contextual;
  const conditions = leaves.map((leaf) => leaf.condition);
  const ruleOf = (index: number) => describeLeaf(conditions[index], formatMessage, { only: leaves.length === 1 });

  // A new model (a refit) has new leaves: what was frozen on screen is in the results from now on.
  useEffect(() => setFrozen({}), [contextual.modelVersion]);

  const refit = async () => {
    setRefitting(true);
    try {
      const update = await updateBanditWeights(client, experiment.documentId);
      setMessage(
        update.updated
          ? { ok: true, text: t('contextual.refitted', 'Refitted: the rules below are the new model.') }
          : { ok: false, text: skipLabel(update.reason, t) }
      );
      await onChanged();
    } catch (reason) {
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setRefitting(false);
    }
  };

  const test = (index: number) => {
    const signals = sampleSignals(conditions, index, vocabulary?.signals ?? []);
    if (!signals) {
      toggleNotification({ type: 'warning', message: t('contextual.test.noSample', 'No sample visitor could be made for this rule: type the signals in the live test.') });
    }
    setTesting({ index, signals: signals ?? {} });
  };

  const freeze = async (leaf: ContextualLeafResult) => {
    if (!contextual.modelVersion) return;
    setPending(true);
    try {
      const result = await freezeContextualLeaf(client, experiment.documentId, { leafId: leaf.id, modelVersion: contextual.modelVersion });
      setFrozen((current) => ({ ...current, [leaf.id]: { variantId: result.variantId, entry: result.entry } }));
      toggleNotification({
        type: 'success',
        message: t('contextual.freeze.done', 'Frozen: the entry’s variant {variant} now serves this rule’s visitors.', { variant: result.variantId }),
      });
      setFreezing(null);
      await onChanged();
    } catch (reason) {
      setFreezing(null);
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setPending(false);
    }
  };

  const freezingLeaf = freezing === null ? null : leaves[freezing];
  const freezingBest = freezingLeaf ? bestArm(freezingLeaf.arms) : null;
  const labelOf = (key: string) => arms.find((arm) => arm.key === key)?.label ?? key;

  return (
    <Card testId="contextual-panel">
      <Flex justifyContent="space-between" wrap="wrap" gap={2} alignItems="flex-start">
        <SectionTitle
          title={t('contextual.title', 'Learned rules')}
          description={
            contextual.modelVersion && contextual.fittedAt
              ? t('contextual.model', 'Model {version}, fitted {at}: {count, plural, one {# rule} other {# rules}}, read from the top; a visitor gets the weights of the first rule they match.', {
                  version: contextual.modelVersion,
                  at: formatDate(contextual.fittedAt, { dateStyle: 'medium', timeStyle: 'short' }),
                  count: leaves.length,
                })
              : t('contextual.notFitted', 'Not fitted yet: every visitor gets the starting weights. The first fit comes after the burn-in, once every arm has enough visitors.')
          }
        />
        {canManage && experiment.status === 'running' ? (
          <Button variant="secondary" startIcon={<Sparkle />} loading={refitting} onClick={refit} data-testid="contextual-refit">
            {t('contextual.refit', 'Refit now')}
          </Button>
        ) : null}
      </Flex>
      {message ? (
        <Typography textColor={message.ok ? 'success700' : 'neutral800'} role="status" data-testid="contextual-message">
          {message.text}
        </Typography>
      ) : null}
      <Typography variant="pi" textColor="neutral600" data-testid="contextual-attributes">
        {t('contextual.splitsOn', 'Splits on: {signals}', {
          signals: contextual.attributes.map((attribute) => attribute.path + (attribute.cuts ? ` (${attribute.cuts.join(', ')})` : '')).join(', '),
        })}
      </Typography>
      <PolicyText policy={contextual.policy} kind={experiment.goal.kind} t={t} />
      <Flex tag="ol" direction="column" alignItems="stretch" gap={4} data-testid="contextual-leaves">
        {leaves.map((leaf, index) => (
          <LeafCard
            key={leaf.id}
            leaf={leaf}
            index={index}
            count={leaves.length}
            experiment={experiment}
            contextual={contextual}
            arms={arms}
            canManage={canManage}
            frozen={frozen[leaf.id] ?? null}
            onTest={() => test(index)}
            onFreeze={() => setFreezing(index)}
            t={t}
          />
        ))}
      </Flex>
      {testing ? (
        <LeafTestModal
          experiment={experiment}
          signals={testing.signals}
          title={t('contextual.test.title', 'Live test: a visitor of rule {n} ({rule})', { n: testing.index + 1, rule: ruleOf(testing.index) })}
          onClose={() => setTesting(null)}
        />
      ) : null}
      <ConfirmDialog
        open={freezingLeaf !== null}
        onCancel={() => setFreezing(null)}
        onConfirm={() => freezingLeaf && void freeze(freezingLeaf)}
        pending={pending}
        title={t('contextual.freeze.title', 'Freeze rule {n} as a variant?', { n: (freezing ?? 0) + 1 })}
        description={t(
          'contextual.freeze.body',
          'A new variant is written on the experiment’s entry, above the experiment’s variants: its condition is this rule ({rule}) and it serves the best arm, {arm}. Visitors who match it get that variant and leave the experiment; the bandit keeps learning for the others.',
          { rule: freezing === null ? '' : ruleOf(freezing), arm: freezingBest ? labelOf(freezingBest.key) : '—' }
        )}
        note={t('contextual.freeze.undo', 'To undo, delete that variant from the entry: its visitors go back to the experiment.')}
        cancelLabel={t('cancel', 'Cancel')}
        confirmLabel={t('contextual.freeze.confirm', 'Freeze')}
      />
    </Card>
  );
};
