import { Box, Flex, Typography } from '@strapi/design-system';

import type { SuppressionMarker } from '../../../../contracts/src/visitors';
import { useTimes, type T } from './i18n';

/** Nothing stored because the visitor was erased or opted out: since when, and what happens to their events. */
export const SuppressedCard = ({ visitorId, suppressed, t }: { visitorId: string; suppressed: SuppressionMarker; t: T }) => {
  const times = useTimes();
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid="visitor-suppressed">
      <Flex direction="column" alignItems="flex-start" gap={2}>
        <Typography variant="delta" tag="h2">
          {t('suppressed.title', 'Nothing is stored for {id}', { id: visitorId })}
        </Typography>
        <Typography textColor="neutral600">
          {suppressed.kind === 'optout'
            ? t('suppressed.optout', 'Opted out on {date}: every event of this visitor is dropped for the retention period.', {
                date: times.date(suppressed.at),
              })
            : t('suppressed.erased', 'Erased on {date}: events sent before then are dropped; later ones start a new profile.', {
                date: times.date(suppressed.at),
              })}
        </Typography>
      </Flex>
    </Box>
  );
};
