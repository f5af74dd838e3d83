import { Flex, Grid } from '@strapi/design-system';
import { Calendar, Clock, Shield, User } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { Figure } from '../../components/Figure';
import { useTimes, type CardProps } from './i18n';
import { sessionOf } from './visitorView';

/** Visits, first and last seen, consent: the visitor at a glance. */
export const FiguresCard = ({ data, t }: CardProps) => {
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
              ? t(
                  'figure.visits.active',
                  'Current session: {pages, plural, one {# page} other {# pages}}, {serves, plural, one {# personalized serve} other {# personalized serves}}',
                  {
                    pages: session.pageviews,
                    serves: session.personalizedServes,
                  }
                )
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
