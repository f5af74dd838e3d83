import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';

import type { VisitorExport } from '../../api';
import { CapsCard } from './CapsCard';
import { EventsCard } from './EventsCard';
import { ExposuresCard } from './ExposuresCard';
import { FiguresCard } from './FiguresCard';
import type { T } from './i18n';
import { InterestsCard } from './InterestsCard';
import { RecentlyViewedCard } from './RecentlyViewedCard';

/** Everything stored for a visitor, card by card, the whole as JSON, and the way to erase it. */
export const ProfileSection = ({
  visitorId,
  data,
  onErase,
  t,
}: {
  visitorId: string;
  data: VisitorExport;
  onErase: () => void;
  t: T;
}) => (
  <Flex direction="column" alignItems="stretch" gap={6} data-testid="visitor-profile">
    <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
      {/* A visitor id or its hash is one long word: it breaks anywhere rather than overflow a phone's width. */}
      <Flex direction="column" alignItems="flex-start" gap={1} flex="1 1 24rem" minWidth={0} style={{ overflowWrap: 'anywhere' }}>
        <Typography variant="beta" tag="h2" style={{ maxWidth: '100%' }}>
          {t('profile.title', 'Visitor {id}', { id: visitorId })}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {t('profile.hash', 'Stored under the key {hash}; the id itself is never stored.', { hash: data.visitor.hash })}
        </Typography>
      </Flex>
      <Button variant="danger-light" startIcon={<Trash />} onClick={onErase}>
        {t('erase', 'Erase this visitor')}
      </Button>
    </Flex>
    <FiguresCard data={data} t={t} />
    <InterestsCard data={data} t={t} />
    <Grid.Root gap={6}>
      <Grid.Item col={6} xs={12} alignItems="stretch">
        <RecentlyViewedCard data={data} t={t} />
      </Grid.Item>
      <Grid.Item col={6} xs={12} alignItems="stretch">
        <ExposuresCard data={data} t={t} />
      </Grid.Item>
    </Grid.Root>
    <CapsCard data={data} t={t} />
    <EventsCard data={data} t={t} />
    <details>
      <summary>
        <Typography variant="pi" textColor="neutral600">
          {t('raw', 'Everything, as JSON (the same as GET /api/personalize/me)')}
        </Typography>
      </summary>
      <Box
        tag="pre"
        padding={4}
        marginTop={2}
        background="neutral0"
        hasRadius
        style={{ overflow: 'auto', maxHeight: '40rem', fontSize: '12px' }}
      >
        {JSON.stringify(data, null, 2)}
      </Box>
    </details>
  </Flex>
);
