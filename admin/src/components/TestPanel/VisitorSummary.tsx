import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { VariantsEvaluation } from '../../api';
import { Code } from '../Figure';
import { getTranslation } from '../../utils/getTranslation';

type TestedVisitor = NonNullable<VariantsEvaluation['visitor']>;

/** What the live test found for the visitor id it was given: a stored profile or none, and what consent allows. */
export const VisitorSummary = ({ visitor, visitorId }: { visitor: TestedVisitor; visitorId: string }) => {
  const { formatMessage } = useIntl();
  const allowed = formatMessage({ id: getTranslation('testPanel.visitor.allowed'), defaultMessage: 'allowed' });
  const refused = formatMessage({ id: getTranslation('testPanel.visitor.refused'), defaultMessage: 'not allowed' });

  let status: string;
  if (visitor.unavailable) {
    status = formatMessage({
      id: getTranslation('testPanel.visitor.unavailable'),
      defaultMessage: 'The visitor store is unavailable: tested as with an empty profile and no caps.',
    });
  } else if (!visitor.found && !visitor.consent.events) {
    status = formatMessage({
      id: getTranslation('testPanel.visitor.noConsent'),
      defaultMessage: 'No profile used: nothing is stored for this visitor id, or they have not consented to events. Tested as a new visitor.',
    });
  } else if (!visitor.found) {
    status = formatMessage({
      id: getTranslation('testPanel.visitor.notFound'),
      defaultMessage: 'Nothing is stored for this visitor id: tested as a new visitor (no profile, no caps reached).',
    });
  } else {
    status = formatMessage({
      id: getTranslation('testPanel.visitor.found'),
      defaultMessage: 'A stored profile was found: its profile signals and caps took part, as in delivery.',
    });
  }

  return (
    <Box background="neutral0" hasRadius padding={3} borderColor={visitor.unavailable ? 'warning500' : 'neutral200'} data-testid="test-visitor">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2} wrap="wrap">
          <Typography variant="sigma" textColor="neutral600" tag="h4">
            {formatMessage({ id: getTranslation('testPanel.visitor.title'), defaultMessage: 'Visitor' })}
          </Typography>
          <Code>{visitorId}</Code>
        </Flex>
        <Typography variant="omega">{status}</Typography>
        {visitor.unavailable ? null : (
          <Flex gap={2} wrap="wrap">
            <Typography variant="pi" textColor="neutral600">
              {formatMessage({ id: getTranslation('testPanel.visitor.consent'), defaultMessage: 'Consent:' })}
            </Typography>
            <Badge variant={visitor.consent.events ? 'success' : 'neutral'}>
              {formatMessage(
                { id: getTranslation('testPanel.visitor.events'), defaultMessage: 'events {state}' },
                { state: visitor.consent.events ? allowed : refused }
              )}
            </Badge>
            <Badge variant={visitor.consent.profiling ? 'success' : 'neutral'}>
              {formatMessage(
                { id: getTranslation('testPanel.visitor.profiling'), defaultMessage: 'profiling {state}' },
                { state: visitor.consent.profiling ? allowed : refused }
              )}
            </Badge>
          </Flex>
        )}
        {!visitor.unavailable && visitor.found && !visitor.consent.profiling ? (
          <Typography variant="pi" textColor="neutral600">
            {formatMessage({
              id: getTranslation('testPanel.visitor.noProfiling'),
              defaultMessage: 'Without consent to profiling, the profile signals are not used (caps still apply).',
            })}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
};
