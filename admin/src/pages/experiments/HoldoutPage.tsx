import { useCallback, useEffect, useState } from 'react';

import { Alert, Button, Flex } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft } from '@strapi/icons';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { Link as RouterLink } from 'react-router-dom';

import { getHoldoutResults, type HoldoutResults } from '../../api';
import { useT } from '../../experiments/i18n';
import { EXPERIMENTS_PATH } from '../../experiments/paths';
import { errorMessage } from '../../utils/api';
import { HoldoutReport } from './HoldoutReport';

/** `experiments/holdout`: the site-wide holdout against everyone else (experiments.read). */
export const HoldoutPage = () => {
  const t = useT();
  const client = useFetchClient();
  const [goal, setGoal] = useState<string | undefined>(undefined);
  const [data, setData] = useState<HoldoutResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(await getHoldoutResults(client, goal));
      setError(null);
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setLoading(false);
    }
  }, [client, goal]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <Page.Title>{t('holdout.pageTitle', 'Holdout report')}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('holdout.title', 'Holdout: personalization against none')}
          subtitle={t('holdout.subtitle', 'The total lift of personalization, measured against visitors who get none.')}
          navigationAction={
            <Button tag={RouterLink} to={EXPERIMENTS_PATH} variant="ghost" startIcon={<ArrowLeft />}>
              {t('back', 'Experiments')}
            </Button>
          }
          primaryAction={
            <Button variant="secondary" startIcon={<ArrowClockwise />} loading={loading} onClick={() => void load()}>
              {t('holdout.refresh', 'Refresh')}
            </Button>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {error ? (
              <Alert variant="danger" closeLabel={t('holdout.close', 'Close')} title={t('holdout.error', 'The report could not be loaded')} onClose={() => setError(null)}>
                {error}
              </Alert>
            ) : null}
            {data ? <HoldoutReport data={data} onGoal={setGoal} t={t} /> : loading ? <Page.Loading /> : null}
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </>
  );
};

export default HoldoutPage;
