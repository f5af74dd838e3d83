import { useState } from 'react';

import { Badge, Box, Button, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { ExplainTree } from '../components/TestPanel/ExplainTree';
import { SIGNAL_PRESETS } from '../components/TestPanel/presets';
import { evaluateCondition, type ConditionEvaluation } from '../api';
import { errorMessage } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';

/** Tries one condition against a sample visitor (`POST /personalize/evaluate` with a condition). */
export const ConditionTester = ({ condition }: { condition: unknown }) => {
  const client = useFetchClient();
  const { formatMessage } = useIntl();
  const [preset, setPreset] = useState(SIGNAL_PRESETS[0].id);
  const [result, setResult] = useState<ConditionEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    const signals = SIGNAL_PRESETS.find((candidate) => candidate.id === preset)?.signals ?? {};
    try {
      setResult(await evaluateCondition(client, { condition, signals }));
      setError(null);
    } catch (reason) {
      setResult(null);
      setError(errorMessage(reason));
    }
  };

  return (
    <Box background="neutral100" padding={3} hasRadius>
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2} wrap="wrap">
          <Box flex="1 1 20rem" minWidth={0}>
            <SingleSelect
              aria-label={formatMessage({ id: getTranslation('conditionTester.sample'), defaultMessage: 'Sample visitor' })}
              size="S"
              value={preset}
              onChange={(next: string | number) => setPreset(String(next))}
            >
              {SIGNAL_PRESETS.map((candidate) => (
                <SingleSelectOption key={candidate.id} value={candidate.id}>
                  {formatMessage(candidate.label)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
          <Button variant="secondary" size="S" startIcon={<Play />} onClick={run}>
            {formatMessage({ id: getTranslation('conditionTester.run'), defaultMessage: 'Test' })}
          </Button>
          {result ? (
            <Badge active={result.matched}>
              {result.matched
                ? formatMessage({ id: getTranslation('conditionTester.matched'), defaultMessage: 'in the audience' })
                : formatMessage({ id: getTranslation('conditionTester.notMatched'), defaultMessage: 'not in the audience' })}
            </Badge>
          ) : null}
        </Flex>
        {error ? <Typography textColor="danger600">{error}</Typography> : null}
        {result?.explain ? (
          <Box tag="ul">
            <ExplainTree node={result.explain} />
          </Box>
        ) : null}
      </Flex>
    </Box>
  );
};
