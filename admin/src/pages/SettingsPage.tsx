import { useCallback, useEffect, useState } from 'react';

import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';

import { adminApi, errorMessage, PERMISSIONS, type SettingsData } from '../utils/api';

const Json = ({ value, testId }: { value: unknown; testId: string }) => (
  <Box tag="pre" padding={4} background="neutral100" hasRadius data-testid={testId} style={{ overflow: 'auto', fontSize: '13px' }}>
    {JSON.stringify(value, null, 2)}
  </Box>
);

/** The active configuration (secrets masked), cache statistics and "purge all". */
const SettingsContent = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const [failed, setFailed] = useState(false);
  const [purging, setPurging] = useState(false);

  const load = useCallback(async () => {
    try {
      const { data } = await get<{ data: SettingsData }>(adminApi.settings);
      setSettings(data.data);
    } catch {
      setFailed(true);
    }
  }, [get]);

  useEffect(() => {
    void load();
  }, [load]);

  const purge = async () => {
    setPurging(true);
    try {
      await post(adminApi.purge, {});
      toggleNotification({ type: 'success', message: 'Every cached personalized response was purged' });
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setPurging(false);
    }
  };

  if (failed) return <Page.Error />;
  if (!settings) return <Page.Loading />;

  return (
    <Layouts.Root>
      <Page.Title>Personalize settings</Page.Title>
      <Page.Main>
        <Layouts.Header
          title="Personalize"
          subtitle="The plugin's active configuration (config/plugins) and its caches. Secrets are never shown."
          primaryAction={
            <Button variant="danger-light" startIcon={<Trash />} loading={purging} onClick={purge}>
              Purge all caches
            </Button>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Typography variant="delta" tag="h2">
                  Cache
                </Typography>
                {settings.cache === null ? (
                  <Typography textColor="neutral600">This version has no delivery cache.</Typography>
                ) : (
                  <Json value={settings.cache} testId="cache-stats" />
                )}
                <Typography variant="pi" textColor="neutral600">{`Compiled conditions in memory: ${settings.conditions.compiledConditions}`}</Typography>
              </Flex>
            </Box>
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Typography variant="delta" tag="h2">
                  Configuration
                </Typography>
                <Json value={settings.config} testId="active-config" />
              </Flex>
            </Box>
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};

export const SettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.settings}>
    <SettingsContent />
  </Page.Protect>
);

export default SettingsPage;
