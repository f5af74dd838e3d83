import { useState } from 'react';

import { EmptyStateLayout, Flex } from '@strapi/design-system';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { styled } from 'styled-components';

import { eraseVisitor, lookUpVisitor, type VisitorExport } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { errorMessage, errorStatus } from '../../utils/api';
import { getTranslation } from '../../utils/getTranslation';
import type { T } from './i18n';
import { LookupCard } from './LookupCard';
import { ProfileSection } from './ProfileSection';
import { SuppressedCard } from './SuppressedCard';
import { lookupState } from './visitorView';

/** The empty state names the visitor id, one long word: its text keeps to the card and breaks the id at phone width. */
const WrappingText = styled.div`
  p {
    max-width: 100%;
    overflow-wrap: anywhere;
  }
`;

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
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  const t: T = (key, defaultMessage, values) => formatMessage({ id: getTranslation(`visitors.${key}`), defaultMessage }, values);
  const [loading, setLoading] = useState(false);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);

  const load = async (visitorId: string, quiet = false) => {
    setLoading(true);
    try {
      const data = await lookUpVisitor(client, visitorId);
      setLookup({ visitorId, data });
      if (!quiet && lookupState(data) === 'empty') {
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
        toggleNotification({
          type: 'warning',
          message: t('unavailable', 'The visitor store is unavailable; try again in a moment.'),
        });
      } else {
        toggleNotification({
          type: 'danger',
          message: t('failed', 'The visitor could not be looked up: {error}', { error: errorMessage(reason) }),
        });
      }
    } finally {
      setLoading(false);
    }
  };

  const erase = async (visitorId: string) => {
    setErasing(true);
    try {
      await eraseVisitor(client, visitorId);
      setConfirming(false);
      toggleNotification({
        type: 'success',
        message: t('erased', 'Everything stored for visitor {id} was erased.', { id: visitorId }),
      });
      await load(visitorId, true);
    } catch (reason) {
      setConfirming(false);
      const status = errorStatus(reason);
      toggleNotification(
        status === 503
          ? { type: 'warning', message: t('unavailable', 'The visitor store is unavailable; try again in a moment.') }
          : {
              type: 'danger',
              message: t('eraseFailed', 'The visitor could not be erased: {error}', { error: errorMessage(reason) }),
            }
      );
    } finally {
      setErasing(false);
    }
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
            'What is stored for a visitor, as they can export it themselves (GET /api/personalize/me), and erasure on request.'
          )}
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <LookupCard loading={loading} onLookUp={(visitorId) => void load(visitorId)} t={t} />

            {lookup && state === 'empty' ? (
              <WrappingText data-testid="visitor-empty">
                <EmptyStateLayout
                  icon={<EmptyDocuments width="16rem" />}
                  content={t(
                    'empty',
                    'Nothing is stored for {id}: no events were accepted from this visitor (no consent, or none sent), or their profile expired.',
                    { id: lookup.visitorId }
                  )}
                />
              </WrappingText>
            ) : null}

            {lookup?.data && state === 'suppressed' && lookup.data.suppressed ? (
              <SuppressedCard visitorId={lookup.visitorId} suppressed={lookup.data.suppressed} t={t} />
            ) : null}

            {lookup?.data && state === 'profile' ? (
              <ProfileSection visitorId={lookup.visitorId} data={lookup.data} onErase={() => setConfirming(true)} t={t} />
            ) : null}
          </Flex>
        </Layouts.Content>
      </Page.Main>
      <ConfirmDialog
        open={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => lookup && erase(lookup.visitorId)}
        title={t('erase.title', 'Erase this visitor?')}
        description={t(
          'erase.body',
          'Everything stored for {id} is deleted: profile, events, cap counters, consent and experiment exposures. Events still in flight are dropped.',
          { id: lookup?.visitorId ?? '' }
        )}
        note={t('erase.undo', 'This cannot be undone.')}
        cancelLabel={t('erase.cancel', 'Cancel')}
        confirmLabel={t('erase.confirm', 'Erase')}
        variant="danger"
        pending={erasing}
      />
    </>
  );
};

export default VisitorsPage;
