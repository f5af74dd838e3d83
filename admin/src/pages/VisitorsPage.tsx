import { useState } from 'react';

import {
  Badge,
  Box,
  Button,
  Dialog,
  EmptyStateLayout,
  Field,
  Flex,
  Grid,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Calendar, Clock, Search, Shield, Trash, User, WarningCircle } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { Card, Code, Figure } from '../components/Figure';
import { adminApi, errorMessage, errorStatus, type AdminVisitorRequest, type VisitorExport } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';
import { describeVisitorIdProblem, visitorIdProblem } from '../utils/visitorId';
import {
  CAP_EVENTS,
  capRows,
  eventRows,
  exposureRows,
  interestRows,
  lookupState,
  relativeTime,
  sessionOf,
  type EventKind,
  type EventRow,
} from './visitorView';

type T = (key: string, defaultMessage: string, values?: Record<string, string | number>) => string;

const EVENTS_SHOWN = 50;

/** Column header text of a table. */
const Header = ({ children }: { children: React.ReactNode }) => (
  <Th>
    <Typography variant="sigma" textColor="neutral600">
      {children}
    </Typography>
  </Th>
);

const SectionTitle = ({ title, description }: { title: string; description?: string }) => (
  <Flex direction="column" alignItems="stretch" gap={1}>
    <Typography variant="delta" tag="h2">
      {title}
    </Typography>
    {description ? (
      <Typography variant="pi" textColor="neutral600">
        {description}
      </Typography>
    ) : null}
  </Flex>
);

/** Dates as the admin's language writes them, and "3 hours ago". */
const useTimes = () => {
  const { formatDate, formatRelativeTime } = useIntl();
  return {
    date: (at: number) => formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }),
    ago: (at: number, now: number) => {
      const { value, unit } = relativeTime(at, now);
      return formatRelativeTime(value, unit, { numeric: 'auto' });
    },
  };
};

/* ---------------------------------------------------------------------------------------------- */

const Figures = ({ data, t }: { data: VisitorExport; t: T }) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const profile = data.profile!;
  const now = data.decayed?.at ?? Date.now();
  const session = sessionOf(data);
  const consent = data.consent;
  const consentText = (value: boolean | null | undefined) =>
    value === true ? t('consent.yes', 'yes') : value === false ? t('consent.no', 'no') : t('consent.unknown', 'not asked');
  const consentSummary =
    consent?.events && consent.profiling
      ? t('consent.all', 'Events and profiling')
      : consent?.events
        ? t('consent.eventsOnly', 'Events only')
        : t('consent.none', 'Nothing');

  return (
    <Grid.Root gap={4} data-testid="visitor-figures">
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-visits"
          valueVariant="beta"
          icon={<User />}
          tone="primary"
          label={t('figure.visits', 'Visits')}
          value={formatNumber(profile.visits)}
          caption={
            session?.active
              ? t('figure.visits.active', 'Current session: {pages, plural, one {# page} other {# pages}}, {serves, plural, one {# personalized serve} other {# personalized serves}}', {
                  pages: session.pageviews,
                  serves: session.personalizedServes,
                })
              : t('figure.visits.inactive', 'No session going on')
          }
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-first-seen"
          valueVariant="beta"
          icon={<Calendar />}
          tone="secondary"
          label={t('figure.firstSeen', 'First seen')}
          value={times.ago(profile.firstSeen, now)}
          caption={times.date(profile.firstSeen)}
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-last-seen"
          valueVariant="beta"
          icon={<Clock />}
          tone="alternative"
          label={t('figure.lastSeen', 'Last seen')}
          value={times.ago(profile.lastSeen, now)}
          caption={times.date(profile.lastSeen)}
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-consent"
          valueVariant="beta"
          icon={<Shield />}
          tone={consent?.events ? 'success' : 'neutral'}
          label={t('figure.consent', 'Consent')}
          value={consentSummary}
          caption={
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <span>
                {t('consent.detail', 'Events: {events} · Profiling: {profiling}', {
                  events: consentText(consent?.events),
                  profiling: consentText(consent?.profiling),
                })}
              </span>
              {consent ? <span>{t('consent.at', 'Recorded on {date}', { date: times.date(consent.at) })}</span> : null}
              {consent?.gpc ? <span>{t('consent.gpc', 'Global Privacy Control was on')}</span> : null}
            </Flex>
          }
        />
      </Grid.Item>
    </Grid.Root>
  );
};

const Interests = ({ data, t }: { data: VisitorExport; t: T }) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = interestRows(data);
  const now = data.decayed?.at ?? Date.now();
  const score = (value: number) => formatNumber(value, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  return (
    <Card testId="visitor-interests">
      <SectionTitle
        title={t('interests.title', 'Interests')}
        description={t(
          'interests.description',
          'Scores per tag from views, clicks, hovers and pages, halved every half-life (profiles.halfLifeDays). "Now" is what conditions read (profile.interests.…).'
        )}
      />
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('interests.none', 'No interest yet.')}</Typography>
      ) : (
        <Table colCount={4} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Header>{t('interests.tag', 'Tag')}</Header>
              <Header>{t('interests.now', 'Now')}</Header>
              <Header>{t('interests.stored', 'Stored score')}</Header>
              <Header>{t('interests.updated', 'Stored at')}</Header>
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
    </Card>
  );
};

const RecentlyViewed = ({ data, t }: { data: VisitorExport; t: T }) => {
  const viewed = data.decayed?.recentlyViewed ?? data.profile?.recentlyViewed ?? [];
  return (
    <Card testId="visitor-recently-viewed">
      <SectionTitle
        title={t('recentlyViewed.title', 'Recently viewed')}
        description={t('recentlyViewed.description', 'Entries of the last qualified views, newest first (profile.recentlyViewed).')}
      />
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
    </Card>
  );
};

const CAP_HEADERS: Record<(typeof CAP_EVENTS)[number], [string, string]> = {
  view: ['caps.views', 'Views'],
  serve: ['caps.serves', 'Serves'],
  click: ['caps.clicks', 'Clicks'],
  dismiss: ['caps.dismissals', 'Dismissals'],
};

const Caps = ({ data, t }: { data: VisitorExport; t: T }) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = capRows(data.caps);
  const now = data.decayed?.at ?? Date.now();
  return (
    <Card testId="visitor-caps">
      <SectionTitle
        title={t('caps.title', 'Frequency caps')}
        description={t('caps.description', 'What the caps count for this visitor, per variant (the last 100 of each kind are kept).')}
      />
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('caps.none', 'No counter yet.')}</Typography>
      ) : (
        <Table colCount={7} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Header>{t('caps.entry', 'Entry')}</Header>
              <Header>{t('caps.variant', 'Variant')}</Header>
              {CAP_EVENTS.map((on) => (
                <Header key={on}>{t(CAP_HEADERS[on][0], CAP_HEADERS[on][1])}</Header>
              ))}
              <Header>{t('caps.last', 'Last counted')}</Header>
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
                    <Typography textColor={row.counts[on] ? 'neutral800' : 'neutral500'}>{formatNumber(row.counts[on])}</Typography>
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
    </Card>
  );
};

const Exposures = ({ data, t }: { data: VisitorExport; t: T }) => {
  const times = useTimes();
  const rows = exposureRows(data.exposures);
  return (
    <Card testId="visitor-exposures">
      <SectionTitle title={t('exposures.title', 'Experiments')} description={t('exposures.description', 'The arm of each experiment this visitor was exposed to, and when first.')} />
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('exposures.none', 'Not exposed to any experiment.')}</Typography>
      ) : (
        <Table colCount={3} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Header>{t('exposures.experiment', 'Experiment')}</Header>
              <Header>{t('exposures.arm', 'Arm')}</Header>
              <Header>{t('exposures.at', 'First exposed')}</Header>
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
    </Card>
  );
};

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
    if (scrollDepth !== undefined) parts.push(t('events.engage.scroll', 'scrolled {percent} %', { percent: formatNumber(scrollDepth) }));
    if (clicks !== undefined) parts.push(t('events.engage.clicks', '{count, plural, one {# click} other {# clicks}}', { count: clicks }));
    if (hovers !== undefined) parts.push(t('events.engage.hovers', '{count, plural, one {# hover} other {# hovers}}', { count: hovers }));
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

const Events = ({ data, t }: { data: VisitorExport; t: T }) => {
  const { formatNumber } = useIntl();
  const times = useTimes();
  const rows = eventRows(data.events).slice(0, EVENTS_SHOWN);
  const now = data.decayed?.at ?? Date.now();
  return (
    <Card testId="visitor-events">
      <SectionTitle
        title={t('events.title', 'Last events')}
        description={t('events.description', 'The last {count} events accepted for this visitor, newest first, as received.', { count: 50 })}
      />
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{t('events.none', 'No event stored.')}</Typography>
      ) : (
        <Table colCount={5} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Header>{t('events.when', 'When')}</Header>
              <Header>{t('events.type', 'Type')}</Header>
              <Header>{t('events.subject', 'About')}</Header>
              <Header>{t('events.variant', 'Variant')}</Header>
              <Header>{t('events.details', 'Details')}</Header>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={`${row.index}:${row.id}`} data-testid="visitor-event">
                <Td>
                  {row.at === null ? (
                    <Typography textColor="neutral500">–</Typography>
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
                  {row.subject ? <Code>{row.subject}</Code> : <Typography textColor="neutral500">–</Typography>}
                </Td>
                <Td>{row.variant ? <Code>{row.variant}</Code> : <Typography textColor="neutral500">–</Typography>}</Td>
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
    </Card>
  );
};

/* ---------------------------------------------------------------------------------------------- */

interface Lookup {
  visitorId: string;
  /** null: nothing stored (a 404). */
  data: VisitorExport | null;
}

/**
 * Visitors: look up what is stored for a visitor id (as `GET /api/personalize/me` returns it to
 * the visitor) and erase it after a confirmation. Under the `plugin::personalize.visitors` action.
 */
export const VisitorsPage = () => {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  const times = useTimes();
  const t: T = (key, defaultMessage, values) => formatMessage({ id: getTranslation(`visitors.${key}`), defaultMessage }, values);
  const [input, setInput] = useState('');
  const [loading, setLoading] = useState(false);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);

  const typed = input.trim();
  const problem = visitorIdProblem(typed);

  const load = async (visitorId: string, quiet = false) => {
    setLoading(true);
    try {
      const { data } = await post<{ data: VisitorExport }, AdminVisitorRequest>(adminApi.visitorLookup, { visitorId });
      setLookup({ visitorId, data: data.data });
      if (!quiet && lookupState(data.data) === 'empty') {
        toggleNotification({ type: 'info', message: t('notFound', 'Nothing is stored for visitor {id}.', { id: visitorId }) });
      }
    } catch (reason) {
      const status = errorStatus(reason);
      if (status === 404) {
        setLookup({ visitorId, data: null });
        toggleNotification({ type: 'info', message: t('notFound', 'Nothing is stored for visitor {id}.', { id: visitorId }) });
      } else if (status === 400) {
        toggleNotification({
          type: 'danger',
          message: t('invalid', '"{id}" is not a visitor id: {error}', { id: visitorId, error: errorMessage(reason) }),
        });
      } else if (status === 503) {
        toggleNotification({ type: 'warning', message: t('unavailable', 'The visitor store is unavailable; try again in a moment.') });
      } else {
        toggleNotification({ type: 'danger', message: t('failed', 'The visitor could not be looked up: {error}', { error: errorMessage(reason) }) });
      }
    } finally {
      setLoading(false);
    }
  };

  const erase = async (visitorId: string) => {
    setErasing(true);
    try {
      await post<{ data: { erased: boolean } }, AdminVisitorRequest>(adminApi.visitorErase, { visitorId });
      setConfirming(false);
      toggleNotification({ type: 'success', message: t('erased', 'Everything stored for visitor {id} was erased.', { id: visitorId }) });
      await load(visitorId, true);
    } catch (reason) {
      setConfirming(false);
      const status = errorStatus(reason);
      toggleNotification(
        status === 503
          ? { type: 'warning', message: t('unavailable', 'The visitor store is unavailable; try again in a moment.') }
          : { type: 'danger', message: t('eraseFailed', 'The visitor could not be erased: {error}', { error: errorMessage(reason) }) }
      );
    } finally {
      setErasing(false);
    }
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (typed && !problem) void load(typed);
  };

  const state = lookup?.data ? lookupState(lookup.data) : lookup ? 'empty' : null;

  return (
    <>
      <Page.Title>{t('title', 'Visitors')}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('title', 'Visitors')}
          subtitle={t(
            'subtitle',
            "What is stored for a visitor, as they can export it themselves (GET /api/personalize/me), and erasure on request."
          )}
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Box tag="form" onSubmit={submit} background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid="visitor-lookup">
              <Flex gap={4} alignItems="flex-start">
                <Box flex="1">
                  <Field.Root
                    name="visitor-id"
                    error={problem ? describeVisitorIdProblem(problem, formatMessage) : undefined}
                    hint={t('id.hint', "The SDK's visitor id (pz.visitorId, the pz_vid cookie). Only its keyed hash is stored.")}
                  >
                    <Field.Label>{t('id', 'Visitor id')}</Field.Label>
                    <TextInput
                      value={input}
                      autoComplete="off"
                      spellCheck={false}
                      placeholder={t('id.placeholder', 'e.g. 3f9c2b7e-…')}
                      onChange={(event: React.ChangeEvent<HTMLInputElement>) => setInput(event.target.value)}
                    />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Box>
                <Box paddingTop={6}>
                  <Button type="submit" size="L" startIcon={<Search />} loading={loading} disabled={!typed || problem !== null}>
                    {t('lookUp', 'Look up')}
                  </Button>
                </Box>
              </Flex>
            </Box>

            {lookup && state === 'empty' ? (
              <EmptyStateLayout
                icon={<EmptyDocuments width="16rem" />}
                content={t(
                  'empty',
                  'Nothing is stored for {id}: no events were accepted from this visitor (no consent, or none sent), or their profile expired.',
                  { id: lookup.visitorId }
                )}
              />
            ) : null}

            {lookup?.data && state === 'suppressed' && lookup.data.suppressed ? (
              <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid="visitor-suppressed">
                <Flex direction="column" alignItems="flex-start" gap={2}>
                  <Typography variant="delta" tag="h2">
                    {t('suppressed.title', 'Nothing is stored for {id}', { id: lookup.visitorId })}
                  </Typography>
                  <Typography textColor="neutral600">
                    {lookup.data.suppressed.kind === 'optout'
                      ? t('suppressed.optout', 'Opted out on {date}: every event of this visitor is dropped for the retention period.', {
                          date: times.date(lookup.data.suppressed.at),
                        })
                      : t('suppressed.erased', 'Erased on {date}: events sent before then are dropped; later ones start a new profile.', {
                          date: times.date(lookup.data.suppressed.at),
                        })}
                  </Typography>
                </Flex>
              </Box>
            ) : null}

            {lookup?.data && state === 'profile' ? (
              <Flex direction="column" alignItems="stretch" gap={6} data-testid="visitor-profile">
                <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Typography variant="beta" tag="h2">
                      {t('profile.title', 'Visitor {id}', { id: lookup.visitorId })}
                    </Typography>
                    <Typography variant="pi" textColor="neutral600">
                      {t('profile.hash', 'Stored under the key {hash}; the id itself is never stored.', { hash: lookup.data.visitor.hash })}
                    </Typography>
                  </Flex>
                  <Button variant="danger-light" startIcon={<Trash />} onClick={() => setConfirming(true)}>
                    {t('erase', 'Erase this visitor')}
                  </Button>
                </Flex>
                <Figures data={lookup.data} t={t} />
                <Interests data={lookup.data} t={t} />
                <Grid.Root gap={6}>
                  <Grid.Item col={6} s={12} alignItems="stretch">
                    <RecentlyViewed data={lookup.data} t={t} />
                  </Grid.Item>
                  <Grid.Item col={6} s={12} alignItems="stretch">
                    <Exposures data={lookup.data} t={t} />
                  </Grid.Item>
                </Grid.Root>
                <Caps data={lookup.data} t={t} />
                <Events data={lookup.data} t={t} />
                <details>
                  <summary>
                    <Typography variant="pi" textColor="neutral600">
                      {t('raw', 'Everything, as JSON (the same as GET /api/personalize/me)')}
                    </Typography>
                  </summary>
                  <Box tag="pre" padding={4} marginTop={2} background="neutral0" hasRadius style={{ overflow: 'auto', maxHeight: '40rem', fontSize: '12px' }}>
                    {JSON.stringify(lookup.data, null, 2)}
                  </Box>
                </details>
              </Flex>
            ) : null}
          </Flex>
        </Layouts.Content>
      </Page.Main>
      <Dialog.Root open={confirming} onOpenChange={(open: boolean) => (open ? undefined : setConfirming(false))}>
        <Dialog.Content>
          <Dialog.Header>{t('erase.title', 'Erase this visitor?')}</Dialog.Header>
          <Dialog.Body icon={<WarningCircle fill="danger600" />}>
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography textAlign="center">
                {t(
                  'erase.body',
                  'Everything stored for {id} is deleted: profile, events, cap counters, consent and experiment exposures. Events still in flight are dropped.',
                  { id: lookup?.visitorId ?? '' }
                )}
              </Typography>
              <Typography textAlign="center" fontWeight="semiBold">
                {t('erase.undo', 'This cannot be undone.')}
              </Typography>
            </Flex>
          </Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button fullWidth variant="tertiary">
                {t('erase.cancel', 'Cancel')}
              </Button>
            </Dialog.Cancel>
            <Button fullWidth variant="danger" loading={erasing} onClick={() => lookup && erase(lookup.visitorId)}>
              {t('erase.confirm', 'Erase')}
            </Button>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </>
  );
};

export default VisitorsPage;
