import { useEffect, useRef, useState } from 'react';

import {
  Alert,
  Badge,
  Box,
  Button,
  Field,
  Flex,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { styled } from 'styled-components';


import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { describeCapped, describeMissing, describeReason, type ReasonContext } from '../../rules/reasons';
import { evaluateVariants, type VariantsEvaluation } from '../../api';
import { errorDetails, errorMessage } from '../../utils/api';
import { getTranslation } from '../../utils/getTranslation';
import { describeVisitorIdProblem, visitorIdProblem } from '../../utils/visitorId';
import { JsonEditor } from '../JsonEditor';
import { ExperimentsSummary } from './ExperimentsSummary';
import { ExplainTree } from './ExplainTree';
import { BADGE_VARIANT, experimentArm, outcomeStatus, resultHeadline } from './outcome';
import { SIGNAL_PRESETS } from './presets';
import { VisitorSummary } from './VisitorSummary';

export interface TestRequest {
  uid?: string;
  documentId?: string;
  locale?: string;
  /** The variants on screen; not given, the server tests the entry's saved draft. */
  variants?: unknown[];
}

export interface TestPanelProps {
  request: TestRequest;
  /** Audience key → rule and → name, to read tests inside audiences in words. */
  audiences?: Record<string, unknown> | null;
  audienceNames?: Record<string, string>;
  /** Opened with these signals (e.g. a contextual leaf's sample visitor) instead of the first preset's. */
  initialSignals?: Record<string, unknown>;
}


/** The result gets focus after a run (the Run button is disabled while it runs): show where it is. */
const ResultRegion = styled(Flex)`
  &:focus-visible {
    outline: 2px solid ${({ theme }) => theme.colors.primary600};
    outline-offset: 4px;
    border-radius: ${({ theme }) => theme.borderRadius};
  }
`;

const conditionsOf = (variants: unknown[]): Record<string, unknown> =>
  Object.fromEntries(
    variants
      .filter((variant): variant is { id: string; condition?: unknown } => typeof (variant as { id?: unknown })?.id === 'string')
      .map((variant) => [variant.id, variant.condition ?? null])
  );

/**
 * The live test panel: sample signals (typed or from a preset) and, optionally, a visitor id →
 * which variant wins and why, computed by the server with the variants on screen, without saving
 * anything. With a visitor id, that visitor's stored profile and caps take part, as in delivery:
 * only for admins who may see visitors' data (the server refuses the id to the others).
 */
export const TestPanel = ({ request, audiences, audienceNames, initialSignals }: TestPanelProps) => {
  const client = useFetchClient();
  const { formatMessage } = useIntl();
  // Given signals are no preset: the select shows none until one is picked.
  const [preset, setPreset] = useState(initialSignals ? '' : SIGNAL_PRESETS[0].id);
  const [text, setText] = useState(JSON.stringify(initialSignals ?? SIGNAL_PRESETS[0].signals, null, 2));
  const [visitorId, setVisitorId] = useState('');
  const [result, setResult] = useState<VariantsEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const { canVisitors } = usePluginPermissions();
  const runButton = useRef<HTMLButtonElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const [ran, setRan] = useState(0);

  // After a run, focus goes to what it produced (the result or the error), which is also announced.
  useEffect(() => {
    if (ran > 0) outcomeRef.current?.focus();
  }, [ran]);

  const trimmedVisitorId = canVisitors ? visitorId.trim() : '';
  const visitorProblem = visitorIdProblem(trimmedVisitorId);

  const run = async () => {
    setError(null);
    if (visitorProblem) return;
    let signals: unknown;
    try {
      signals = text.trim() ? JSON.parse(text) : {};
    } catch (reason) {
      setError(
        formatMessage(
          { id: getTranslation('testPanel.invalidSignals'), defaultMessage: 'The signals are not valid JSON: {error}' },
          { error: (reason as Error).message }
        )
      );
      return;
    }
    setRunning(true);
    try {
      setResult(await evaluateVariants(client, { ...request, signals, ...(trimmedVisitorId ? { visitorId: trimmedVisitorId } : {}) }));
    } catch (reason) {
      const details = errorDetails(reason);
      setResult(null);
      setError(details.length ? details.map((detail) => `${detail.path.join('.')}: ${detail.message}`).join('\n') : errorMessage(reason));
    } finally {
      setRunning(false);
      setRan((count) => count + 1);
    }
  };

  const winner = result?.variants.find((outcome) => outcome.id === result.variant);
  const arm = result ? experimentArm(result) : undefined;
  const headline = result ? resultHeadline(result, formatMessage) : { title: '', body: '' };
  const closeResult = () => {
    setResult(null);
    runButton.current?.focus();
  };
  const context: ReasonContext = {
    formatMessage,
    variantNames: Object.fromEntries((result?.variants ?? []).map((outcome) => [outcome.id, outcome.name])),
    conditions: conditionsOf(request.variants ?? []),
    audiences,
    audienceNames,
  };
  const reasons = result ? result.reason.map((entry) => describeReason(entry, result.variant, context)) : [];

  return (
    <Box background="neutral100" padding={4} hasRadius data-testid="test-panel">
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="delta" tag="h3">
          {formatMessage({ id: getTranslation('testPanel.title'), defaultMessage: 'Live test' })}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {formatMessage({
            id: getTranslation('testPanel.intro'),
            defaultMessage: 'Try the variants on screen against a sample visitor. Nothing is saved.',
          })}
        </Typography>
        <Flex gap={4} alignItems="flex-start" wrap="wrap">
          <Box flex="1" minWidth="24rem">
            <Field.Root name="test-preset">
              <Field.Label>{formatMessage({ id: getTranslation('testPanel.sample'), defaultMessage: 'Sample visitor' })}</Field.Label>
              <SingleSelect
                value={preset}
                placeholder={formatMessage({ id: getTranslation('testPanel.sample.given'), defaultMessage: 'The signals below' })}
                onChange={(next: string | number) => {
                  const chosen = SIGNAL_PRESETS.find((candidate) => candidate.id === next);
                  setPreset(String(next));
                  if (chosen) setText(JSON.stringify(chosen.signals, null, 2));
                }}
              >
                {SIGNAL_PRESETS.map((candidate) => (
                  <SingleSelectOption key={candidate.id} value={candidate.id}>
                    {formatMessage(candidate.label)}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>
          <Box flex="1" minWidth="24rem">
            <Field.Root
              name="test-visitor"
              error={visitorProblem ? describeVisitorIdProblem(visitorProblem, formatMessage) : undefined}
              hint={
                canVisitors
                  ? formatMessage({
                      id: getTranslation('testPanel.visitor.hint'),
                      defaultMessage: "Optional. The SDK's visitor id (the pz_vid cookie): their stored profile and caps then take part, as in delivery.",
                    })
                  : formatMessage({
                      id: getTranslation('testPanel.visitor.noPermission'),
                      defaultMessage:
                        "Testing a stored visitor needs the Visitors permission (view a visitor's data): ask an administrator. The test runs as an anonymous visitor.",
                    })
              }
            >
              <Field.Label>{formatMessage({ id: getTranslation('testPanel.visitor'), defaultMessage: 'Visitor id' })}</Field.Label>
              <TextInput
                value={canVisitors ? visitorId : ''}
                disabled={!canVisitors}
                autoComplete="off"
                spellCheck={false}
                placeholder={formatMessage({ id: getTranslation('testPanel.visitor.placeholder'), defaultMessage: 'none: an anonymous visitor' })}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setVisitorId(event.target.value)}
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Box>
        </Flex>
        <Field.Root
          name="test-signals"
          id="test-signals"
          hint={formatMessage(
            {
              id: getTranslation('testPanel.signals.hint'),
              defaultMessage:
                'Signals as delivery sees them: what the site sends, plus what the server derives (context.device, country, locale, time, profile), which a site cannot send. Here you set them all (see {route}).',
            },
            { route: 'GET /api/personalize/signals' }
          )}
        >
          <Field.Label>{formatMessage({ id: getTranslation('testPanel.signals'), defaultMessage: 'Signals' })}</Field.Label>
          <JsonEditor
            label={formatMessage({ id: getTranslation('testPanel.signals.label'), defaultMessage: 'Test signals' })}
            value={text}
            minHeight="8rem"
            describedBy="test-signals-hint"
            onChange={setText}
          />
          <Field.Hint />
        </Field.Root>
        <Flex>
          <Button ref={runButton} startIcon={<Play />} loading={running} disabled={visitorProblem !== null} onClick={run}>
            {formatMessage({ id: getTranslation('testPanel.run'), defaultMessage: 'Run test' })}
          </Button>
        </Flex>
        <VisuallyHidden aria-live="polite" data-testid="test-announcement">
          {running
            ? ''
            : error
              ? formatMessage({ id: getTranslation('testPanel.failed'), defaultMessage: 'Test failed' })
              : result
                ? `${headline.title} ${headline.body}`
                : ''}
        </VisuallyHidden>
        {error ? (
          <ResultRegion ref={outcomeRef} tabIndex={-1} direction="column" alignItems="stretch">
            <Alert
              variant="danger"
              title={formatMessage({ id: getTranslation('testPanel.failed'), defaultMessage: 'Test failed' })}
              closeLabel={formatMessage({ id: getTranslation('testPanel.closeResult'), defaultMessage: 'Close the result' })}
              onClose={() => {
                setError(null);
                runButton.current?.focus();
              }}
            >
              <span style={{ whiteSpace: 'pre-wrap' }}>{error}</span>
            </Alert>
          </ResultRegion>
        ) : null}
        {result ? (
          <ResultRegion
            ref={outcomeRef}
            tabIndex={-1}
            direction="column"
            alignItems="stretch"
            gap={3}
            data-testid="test-result"
            role="region"
            aria-label={formatMessage({ id: getTranslation('testPanel.result'), defaultMessage: 'Test result' })}
          >
            <Alert
              variant={winner ? 'success' : 'default'}
              title={headline.title}
              closeLabel={formatMessage({ id: getTranslation('testPanel.closeResult'), defaultMessage: 'Close the result' })}
              onClose={closeResult}
            >
              {headline.body}
            </Alert>
            {result.visitor ? <VisitorSummary visitor={result.visitor} visitorId={trimmedVisitorId} /> : null}
            {result.experiments && Object.keys(result.experiments).length > 0 ? <ExperimentsSummary experiments={result.experiments} /> : null}
            {reasons.length ? (
              <Box data-testid="test-reasons">
                <Typography variant="sigma" textColor="neutral600" tag="h4">
                  {formatMessage({ id: getTranslation('testPanel.why'), defaultMessage: 'Why' })}
                </Typography>
                <Box tag="ul" paddingTop={1}>
                  {reasons.map((line, index) => (
                    <Typography key={`${index}:${line}`} tag="li" variant="omega" style={{ listStyle: 'disc', marginLeft: '2rem' }}>
                      {line}
                    </Typography>
                  ))}
                </Box>
              </Box>
            ) : null}
            <Box tag="ol">
              {result.variants.map((outcome, index) => {
                const status = outcomeStatus(outcome, formatMessage, arm);
                const missing = outcome.matched === false ? describeMissing(outcome.missing, outcome.explain, context.conditions?.[outcome.id], context) : [];
                return (
                  <Box tag="li" key={outcome.id} paddingTop={2} style={{ listStyle: 'none' }} data-testid={`test-variant-${outcome.id}`}>
                    <Flex gap={2}>
                      <Typography variant="pi">{index + 1}.</Typography>
                      <Typography fontWeight="bold">{outcome.name}</Typography>
                      <Badge variant={BADGE_VARIANT[status.variant]}>{status.label}</Badge>
                    </Flex>
                    {outcome.error ? (
                      <Typography variant="pi" textColor="danger600">
                        {outcome.error}
                      </Typography>
                    ) : null}
                    {outcome.capped ? (
                      <Box paddingTop={1}>
                        <Typography variant="omega" textColor="warning700" data-testid="test-capped">
                          {describeCapped(outcome.capped, context)}
                        </Typography>
                      </Box>
                    ) : null}
                    {missing.map((line) => (
                      <Box key={line} paddingTop={1}>
                        <Typography variant="omega" textColor="neutral700" data-testid="test-missing">
                          {line}
                        </Typography>
                      </Box>
                    ))}
                    {outcome.explain ? (
                      <Box tag="ul" paddingTop={1}>
                        <ExplainTree node={outcome.explain} />
                      </Box>
                    ) : null}
                  </Box>
                );
              })}
            </Box>
            {result.entry ? (
              <details>
                <summary>
                  <Typography variant="pi">
                    {formatMessage({
                      id: getTranslation('testPanel.entry'),
                      defaultMessage: 'The entry as this visitor would get it (draft)',
                    })}
                  </Typography>
                </summary>
                <Box tag="pre" padding={2} background="neutral0" style={{ overflow: 'auto', maxHeight: '20rem', fontSize: '12px' }}>
                  {JSON.stringify(result.entry, null, 2)}
                </Box>
              </details>
            ) : null}
          </ResultRegion>
        ) : null}
      </Flex>
    </Box>
  );
};
