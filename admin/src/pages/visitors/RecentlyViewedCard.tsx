import { Box, Flex, Typography } from '@strapi/design-system';

import { Code } from '../../components/Figure';
import { Section } from '../../components/Section';
import type { CardProps } from './i18n';

export const RecentlyViewedCard = ({ data, t }: CardProps) => {
  const viewed = data.decayed?.recentlyViewed ?? data.profile?.recentlyViewed ?? [];
  return (
    <Section
      title={t('recentlyViewed.title', 'Recently viewed')}
      description={t('recentlyViewed.description', 'Entries of the last qualified views, newest first (profile.recentlyViewed).')}
      testId="visitor-recently-viewed"
    >
      {viewed.length === 0 ? (
        <Typography textColor="neutral600">{t('recentlyViewed.none', 'Nothing viewed yet.')}</Typography>
      ) : (
        <Flex gap={2} wrap="wrap" tag="ol" padding={0} margin={0}>
          {viewed.map((item, index) => (
            <Box
              key={`${index}:${item}`}
              tag="li"
              background="neutral100"
              borderColor="neutral200"
              hasRadius
              paddingTop={1}
              paddingBottom={1}
              paddingLeft={2}
              paddingRight={2}
              style={{ listStyle: 'none' }}
            >
              <Code>{item}</Code>
            </Box>
          ))}
        </Flex>
      )}
    </Section>
  );
};
