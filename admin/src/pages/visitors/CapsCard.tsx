import { Flex, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { ColumnHeader } from '../../components/ColumnHeader';
import { Code } from '../../components/Figure';
import { Section } from '../../components/Section';
import { useTimes, type CardProps } from './i18n';
import { CAP_EVENTS, capRows } from './visitorView';

const CAP_HEADERS: Record<(typeof CAP_EVENTS)[number], [string, string]> = {
  view: ['caps.views', 'Views'],
  serve: ['caps.serves', 'Serves'],
  click: ['caps.clicks', 'Clicks'],
  dismiss: ['caps.dismissals', 'Dismissals'],
};

export const CapsCard = ({ data, t }: CardProps) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = capRows(data.caps);
  const now = data.decayed?.at ?? Date.now();
  return (
    <Section
      title={t('caps.title', 'Frequency caps')}
      description={t(
        'caps.description',
        'What the caps count for this visitor, per variant (the last 100 of each kind are kept).'
      )}
      testId="visitor-caps"
    >
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('caps.none', 'No counter yet.')}</Typography>
      ) : (
        <Table colCount={7} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <ColumnHeader>{t('caps.entry', 'Entry')}</ColumnHeader>
              <ColumnHeader>{t('caps.variant', 'Variant')}</ColumnHeader>
              {CAP_EVENTS.map((on) => (
                <ColumnHeader key={on}>{t(CAP_HEADERS[on][0], CAP_HEADERS[on][1])}</ColumnHeader>
              ))}
              <ColumnHeader>{t('caps.last', 'Last counted')}</ColumnHeader>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={row.key} data-testid={`cap-${row.variant}`}>
                <Td style={{ whiteSpace: 'normal' }}>
                  <Flex direction="column" alignItems="flex-start">
                    <Code>{row.documentId || '–'}</Code>
                    <Typography variant="pi" textColor="neutral600">
                      {row.uid}
                    </Typography>
                  </Flex>
                </Td>
                <Td>
                  <Code>{row.variant}</Code>
                </Td>
                {CAP_EVENTS.map((on) => (
                  <Td key={on}>
                    <Typography textColor={row.counts[on] ? 'neutral800' : 'neutral600'}>
                      {formatNumber(row.counts[on])}
                    </Typography>
                  </Td>
                ))}
                <Td>
                  <Typography textColor="neutral600">{row.last === null ? '–' : times.ago(row.last, now)}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Section>
  );
};
