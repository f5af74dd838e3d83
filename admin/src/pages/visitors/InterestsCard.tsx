import { Box, Flex, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { ColumnHeader } from '../../components/ColumnHeader';
import { Section } from '../../components/Section';
import { useTimes, type CardProps } from './i18n';
import { interestRows } from './visitorView';

export const InterestsCard = ({ data, t }: CardProps) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = interestRows(data);
  const now = data.decayed?.at ?? Date.now();
  const score = (value: number) => formatNumber(value, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  return (
    <Section
      title={t('interests.title', 'Interests')}
      description={t(
        'interests.description',
        'Scores per tag from views, clicks, hovers and pages, halved every half-life (profiles.halfLifeDays). "Now" is what conditions read (profile.interests.…).'
      )}
      testId="visitor-interests"
    >
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('interests.none', 'No interest yet.')}</Typography>
      ) : (
        <Table colCount={4} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <ColumnHeader>{t('interests.tag', 'Tag')}</ColumnHeader>
              <ColumnHeader>{t('interests.now', 'Now')}</ColumnHeader>
              <ColumnHeader>{t('interests.stored', 'Stored score')}</ColumnHeader>
              <ColumnHeader>{t('interests.updated', 'Stored at')}</ColumnHeader>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={row.tag} data-testid={`interest-${row.tag}`}>
                <Td>
                  <Typography fontWeight="semiBold">{row.tag}</Typography>
                </Td>
                <Td>
                  <Flex gap={3}>
                    <Box background="neutral150" hasRadius width="12rem" height="0.8rem" aria-hidden>
                      <Box background="primary600" hasRadius height="100%" style={{ width: `${Math.round(row.share * 100)}%` }} />
                    </Box>
                    <Typography>{score(row.score)}</Typography>
                  </Flex>
                </Td>
                <Td>
                  <Typography textColor="neutral600">{row.stored === null ? '–' : score(row.stored)}</Typography>
                </Td>
                <Td>
                  <Typography textColor="neutral600">{row.storedAt === null ? '–' : times.ago(row.storedAt, now)}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {data.decayed ? (
        <Typography variant="pi" textColor="neutral600" data-testid="visitor-quick-exits">
          {t('interests.quickExits', 'Quick exits (decayed over a day): {count}', {
            count: formatNumber(data.decayed.quickExits, { maximumFractionDigits: 2 }),
          })}
        </Typography>
      ) : null}
    </Section>
  );
};
