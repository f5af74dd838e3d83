import { Badge, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';

import { ColumnHeader } from '../../components/ColumnHeader';
import { Code } from '../../components/Figure';
import { Section } from '../../components/Section';
import { useTimes, type CardProps } from './i18n';
import { exposureRows } from './visitorView';

export const ExposuresCard = ({ data, t }: CardProps) => {
  const times = useTimes();
  const rows = exposureRows(data.exposures);
  return (
    <Section
      title={t('exposures.title', 'Experiments')}
      description={t('exposures.description', 'The arm of each experiment this visitor was exposed to, and when first.')}
      testId="visitor-exposures"
    >
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('exposures.none', 'Not exposed to any experiment.')}</Typography>
      ) : (
        <Table colCount={3} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <ColumnHeader>{t('exposures.experiment', 'Experiment')}</ColumnHeader>
              <ColumnHeader>{t('exposures.arm', 'Arm')}</ColumnHeader>
              <ColumnHeader>{t('exposures.at', 'First exposed')}</ColumnHeader>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={row.experiment}>
                <Td>
                  <Code>{row.experiment}</Code>
                </Td>
                <Td>
                  <Badge>{row.arm}</Badge>
                </Td>
                <Td>
                  <Typography textColor="neutral600">{times.date(row.at)}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Section>
  );
};
