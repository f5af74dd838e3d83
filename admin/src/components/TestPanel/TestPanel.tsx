import { useState } from 'react';

import {
  Alert,
  Badge,
  Box,
  Button,
  Field,
  Flex,
  JSONInput,
  SingleSelect,
  SingleSelectOption,
  Typography,
} from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { adminApi, errorDetails, errorMessage, type VariantOutcome, type VariantsEvaluation } from '../../utils/api';
import { getTranslation, type FormatMessage } from '../../utils/getTranslation';
import { ExplainTree } from './ExplainTree';
import { SIGNAL_PRESETS } from './presets';

export interface TestRequest {
  uid?: string;
  documentId?: string;
  locale?: string;
  variants: unknown[];
}

const statusOf = (
  outcome: VariantOutcome,
  formatMessage: FormatMessage
): { label: string; variant: 'success' | 'danger' | 'secondary' | 'warning' } => {
  if (outcome.matched === null) {
    return { label: formatMessage({ id: getTranslation('testPanel.status.disabled'), defaultMessage: 'disabled' }), variant: 'secondary' };
  }
  if (outcome.error) return { label: formatMessage({ id: getTranslation('testPanel.status.error'), defaultMessage: 'error' }), variant: 'warning' };
  return outcome.matched
    ? { label: formatMessage({ id: getTranslation('testPanel.status.matches'), defaultMessage: 'matches' }), variant: 'success' }
    : { label: formatMessage({ id: getTranslation('testPanel.status.noMatch'), defaultMessage: 'no match' }), variant: 'danger' };
};

/**
 * The live test panel: sample signals (typed or from a preset) → which variant wins and why,
 * computed by the server with the variants on screen, without saving anything.
 */
export const TestPanel = ({ request }: { request: TestRequest }) => {
  const { post } = useFetchClient();
  const { formatMessage } = useIntl();
  const [preset, setPreset] = useState(SIGNAL_PRESETS[0].id);
  const [text, setText] = useState(JSON.stringify(SIGNAL_PRESETS[0].signals, null, 2));
  const [result, setResult] = useState<VariantsEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    setError(null);
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
      const { data } = await post<{ data: VariantsEvaluation }>(adminApi.evaluate, { ...request, signals });
      setResult(data.data);
    } catch (reason) {
      const details = errorDetails(reason);
      setResult(null);
      setError(details.length ? details.map((detail) => `${detail.path.join('.')}: ${detail.message}`).join('\n') : errorMessage(reason));
    } finally {
      setRunning(false);
    }
  };

  const winner = result?.variants.find((outcome) => outcome.id === result.variant);

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
        <Field.Root name="test-preset">
          <Field.Label>{formatMessage({ id: getTranslation('testPanel.sample'), defaultMessage: 'Sample visitor' })}</Field.Label>
          <SingleSelect
            value={preset}
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
        <Field.Root
          name="test-signals"
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
          <JSONInput
            aria-label={formatMessage({ id: getTranslation('testPanel.signals.label'), defaultMessage: 'Test signals' })}
            value={text}
            minHeight="8rem"
            onChange={setText}
          />
          <Field.Hint />
        </Field.Root>
        <Flex>
          <Button startIcon={<Play />} loading={running} onClick={run}>
            {formatMessage({ id: getTranslation('testPanel.run'), defaultMessage: 'Run test' })}
          </Button>
        </Flex>
        {error ? (
          <Alert
            variant="danger"
            title={formatMessage({ id: getTranslation('testPanel.failed'), defaultMessage: 'Test failed' })}
            closeLabel={formatMessage({ id: getTranslation('common.close'), defaultMessage: 'Close' })}
            onClose={() => setError(null)}
          >
            <span style={{ whiteSpace: 'pre-wrap' }}>{error}</span>
          </Alert>
        ) : null}
        {result ? (
          <Flex direction="column" alignItems="stretch" gap={3} data-testid="test-result">
            <Alert
              variant={winner ? 'success' : 'default'}
              title={
                winner
                  ? formatMessage({ id: getTranslation('testPanel.served'), defaultMessage: 'Served:' })
                  : formatMessage({ id: getTranslation('testPanel.noWinner'), defaultMessage: 'No variant matches:' })
              }
              closeLabel={formatMessage({ id: getTranslation('common.close'), defaultMessage: 'Close' })}
            >
              {winner
                ? `${winner.name} (${winner.id})`
                : formatMessage({ id: getTranslation('testPanel.unchanged'), defaultMessage: 'the entry is served unchanged.' })}
            </Alert>
            <Box tag="ol">
              {result.variants.map((outcome, index) => {
                const status = statusOf(outcome, formatMessage);
                return (
                  <Box tag="li" key={outcome.id} paddingTop={2} style={{ listStyle: 'none' }}>
                    <Flex gap={2}>
                      <Typography variant="pi">{index + 1}.</Typography>
                      <Typography fontWeight="bold">{outcome.name}</Typography>
                      <Badge active={status.variant === 'success'}>{status.label}</Badge>
                    </Flex>
                    {outcome.error ? (
                      <Typography variant="pi" textColor="danger600">
                        {outcome.error}
                      </Typography>
                    ) : null}
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
          </Flex>
        ) : null}
      </Flex>
    </Box>
  );
};
