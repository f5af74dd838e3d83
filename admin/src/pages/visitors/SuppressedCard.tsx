import { Box, Flex, Typography } from '@strapi/design-system';

import type { VisitorExport } from '../../api';
import { useTimes, type T } from './i18n';
import { suppressionText } from './visitorView';

/** Only the marker is left of an erased or opted-out visitor: what it says, and until when it is kept. */
export const SuppressedCard = ({
  visitorId,
  suppressed,
  t,
}: {
  visitorId: string;
  suppressed: NonNullable<VisitorExport['suppressed']>;
  t: T;
}) => {
  const times = useTimes();
  const text = suppressionText(visitorId, suppressed, t, times.date);
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid="visitor-suppressed">
      <Flex direction="column" alignItems="flex-start" gap={2} style={{ overflowWrap: 'anywhere' }}>
        <Typography variant="delta" tag="h2">
          {text.title}
        </Typography>
        <Typography textColor="neutral600">{text.body}</Typography>
        <Typography textColor="neutral600">{text.kept}</Typography>
      </Flex>
    </Box>
  );
};
