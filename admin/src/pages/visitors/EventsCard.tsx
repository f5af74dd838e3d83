import { Badge, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { ColumnHeader } from '../../components/ColumnHeader';
import { Code } from '../../components/Figure';
import { Section } from '../../components/Section';
import { useTimes, type CardProps, type T } from './i18n';
import { eventRows, type EventKind, type EventRow } from './visitorView';

const EVENTS_SHOWN = 50;

const KIND_LABELS: Record<EventKind, [string, string]> = {
  page: ['events.kind.page', 'page'],
  view: ['events.kind.view', 'view'],
  click: ['events.kind.click', 'click'],
  hover: ['events.kind.hover', 'hover'],
  dismiss: ['events.kind.dismiss', 'dismissal'],
  engage: ['events.kind.engage', 'engagement'],
  track: ['events.kind.track', 'goal'],
  other: ['events.kind.other', 'other'],
};

const KIND_BADGES: Partial<Record<EventKind, 'primary' | 'secondary' | 'alternative' | 'success' | 'warning'>> = {
  page: 'secondary',
  view: 'primary',
  click: 'alternative',
  dismiss: 'warning',
  track: 'success',
};

/** An event's particulars in words: tags, a page view's engagement, a goal's value. */
const eventDetails = (row: EventRow, t: T, formatNumber: (value: number) => string): string => {
  const parts: string[] = [];
  if (row.engage) {
    const { dwellSec, scrollDepth, clicks, hovers, quickExit } = row.engage;
    if (dwellSec !== undefined) parts.push(t('events.engage.dwell', '{seconds} s engaged', { seconds: formatNumber(dwellSec) }));
    if (scrollDepth !== undefined)
      parts.push(t('events.engage.scroll', 'scrolled {percent} %', { percent: formatNumber(scrollDepth) }));
    if (clicks !== undefined)
      parts.push(t('events.engage.clicks', '{count, plural, one {# click} other {# clicks}}', { count: clicks }));
    if (hovers !== undefined)
      parts.push(t('events.engage.hovers', '{count, plural, one {# hover} other {# hovers}}', { count: hovers }));
    if (quickExit) parts.push(t('events.engage.quickExit', 'quick exit'));
  }
  if (row.value !== undefined) parts.push(t('events.value', 'value {value}', { value: formatNumber(row.value) }));
  if (row.props && Object.keys(row.props).length) {
    const text = JSON.stringify(row.props);
    parts.push(text.length > 80 ? `${text.slice(0, 79)}…` : text);
  }
  if (row.tags.length) parts.push(t('events.tags', 'tags: {tags}', { tags: row.tags.join(', ') }));
  return parts.join(' · ');
};

export const EventsCard = ({ data, t }: CardProps) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = eventRows(data.events).slice(0, EVENTS_SHOWN);
  const now = data.decayed?.at ?? Date.now();
  return (
    <Section
      title={t('events.title', 'Last events')}
      description={t('events.description', 'The last {count} events accepted for this visitor, newest first, as received.', {
        count: 50,
      })}
      testId="visitor-events"
    >
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('events.none', 'No event stored.')}</Typography>
      ) : (
        <Table colCount={5} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <ColumnHeader>{t('events.when', 'When')}</ColumnHeader>
              <ColumnHeader>{t('events.type', 'Type')}</ColumnHeader>
              <ColumnHeader>{t('events.subject', 'About')}</ColumnHeader>
              <ColumnHeader>{t('events.variant', 'Variant')}</ColumnHeader>
              <ColumnHeader>{t('events.details', 'Details')}</ColumnHeader>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={`${row.index}:${row.id}`} data-testid="visitor-event">
                <Td>
                  {row.at === null ? (
                    <Typography textColor="neutral600">–</Typography>
                  ) : (
                    <Typography textColor="neutral600" title={times.date(row.at)}>
                      {times.ago(row.at, now)}
                    </Typography>
                  )}
                </Td>
                <Td>
                  <Badge variant={KIND_BADGES[row.kind] ?? 'neutral'}>
                    {row.kind === 'other' ? row.type : t(KIND_LABELS[row.kind][0], KIND_LABELS[row.kind][1])}
                  </Badge>
                </Td>
                <Td style={{ whiteSpace: 'normal', maxWidth: '32rem' }}>
                  {row.subject ? <Code>{row.subject}</Code> : <Typography textColor="neutral600">–</Typography>}
                </Td>
                <Td>{row.variant ? <Code>{row.variant}</Code> : <Typography textColor="neutral600">–</Typography>}</Td>
                <Td style={{ whiteSpace: 'normal', maxWidth: '32rem' }}>
                  <Typography variant="pi" textColor="neutral700">
                    {eventDetails(row, t, (value) => formatNumber(value, { maximumFractionDigits: 2 }))}
                  </Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Section>
  );
};
