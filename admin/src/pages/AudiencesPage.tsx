import { useCallback, useEffect, useState } from 'react';

import { Box, Button, Dialog, Flex, IconButton, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { deleteAudience, getAudienceUsage, type Audience, type AudienceUsage, type AudienceUses, type UsageReport } from '../api';
import { ColumnHeader } from '../components/ColumnHeader';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useAudiences } from '../hooks/useAudiences';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { describeCondition } from '../rules/summary';
import { errorExtra, errorMessage } from '../utils/api';
import { getTranslation, type FormatMessage } from '../utils/getTranslation';
import { AudienceModal, type AudienceDraft } from './AudienceModal';

const EMPTY: AudienceDraft = { name: '', key: '', description: '', condition: { '==': [{ var: 'context.device' }, 'mobile'] } };

/** One place an audience is used, in words: `Article "Pricing" (en, draft) → Hesitant mobile reader`. */
const usageText = (use: AudienceUsage, formatMessage: FormatMessage) => {
  const status =
    use.status === 'published'
      ? formatMessage({ id: getTranslation('common.status.published'), defaultMessage: 'published' })
      : formatMessage({ id: getTranslation('common.status.draft'), defaultMessage: 'draft' });
  const values = { contentType: use.contentType, title: use.title ?? use.documentId, locale: use.locale, status, variant: use.variantName };
  return use.locale
    ? formatMessage(
        { id: getTranslation('audiences.usage.entryInLocale'), defaultMessage: '{contentType} "{title}" ({locale}, {status}) → {variant}' },
        values
      )
    : formatMessage({ id: getTranslation('audiences.usage.entry'), defaultMessage: '{contentType} "{title}" ({status}) → {variant}' }, values);
};

const audienceText = (name: string, formatMessage: FormatMessage) =>
  formatMessage({ id: getTranslation('audiences.usage.audience'), defaultMessage: 'Audience "{name}"' }, { name });

/** The audience library: list with where each is used; create, edit and delete for managers. */
export const AudiencesPage = () => {
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  const { canManage } = usePluginPermissions();
  const { audiences, error, reload } = useAudiences();
  const [usage, setUsage] = useState<UsageReport | null>(null);
  const [editing, setEditing] = useState<AudienceDraft | null>(null);
  const [deleting, setDeleting] = useState<Audience | null>(null);
  const [refusal, setRefusal] = useState<{ audience: Audience; message: string; uses: string[] } | null>(null);

  const loadUsage = useCallback(async () => {
    try {
      setUsage(await getAudienceUsage(client));
    } catch (reason) {
      toggleNotification({
        type: 'warning',
        message: formatMessage(
          { id: getTranslation('audiences.usage.error'), defaultMessage: 'Where audiences are used could not be loaded: {error}' },
          { error: errorMessage(reason) }
        ),
      });
    }
  }, [client, toggleNotification, formatMessage]);

  useEffect(() => {
    void loadUsage();
  }, [loadUsage]);

  const refresh = async () => {
    await Promise.all([reload(), loadUsage()]);
  };

  const remove = async (audience: Audience) => {
    setDeleting(null);
    try {
      await deleteAudience(client, audience.documentId);
      toggleNotification({
        type: 'success',
        message: formatMessage({ id: getTranslation('audiences.deleted'), defaultMessage: 'Audience "{name}" deleted' }, { name: audience.name }),
      });
      await refresh();
    } catch (reason) {
      const details = errorExtra(reason) as Partial<AudienceUses> | undefined;
      if (details?.entries || details?.audiences) {
        setRefusal({
          audience,
          message: errorMessage(reason),
          uses: [
            ...(details.entries ?? []).map((use) => usageText(use, formatMessage)),
            ...(details.audiences ?? []).map((key) => audienceText(audienceNames[key] ?? key, formatMessage)),
          ],
        });
      } else {
        toggleNotification({ type: 'danger', message: errorMessage(reason) });
      }
    }
  };

  const audienceNames: Record<string, string> = Object.fromEntries((audiences ?? []).map((audience) => [audience.key, audience.name]));
  if (error) return <Page.Error />;
  if (!audiences) return <Page.Loading />;

  return (
    <>
      <Page.Title>{formatMessage({ id: getTranslation('audiences.title'), defaultMessage: 'Audiences' })}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={formatMessage({ id: getTranslation('audiences.title'), defaultMessage: 'Audiences' })}
          subtitle={formatMessage({
            id: getTranslation('audiences.subtitle'),
            defaultMessage: 'Reusable visitor conditions. Variants use them as "in audience …".',
          })}
          primaryAction={
            canManage ? (
              <Button startIcon={<Plus />} onClick={() => setEditing({ ...EMPTY })}>
                {formatMessage({ id: getTranslation('audiences.create'), defaultMessage: 'Create an audience' })}
              </Button>
            ) : undefined
          }
        />
        <Layouts.Content>
          {audiences.length === 0 ? (
            <Box background="neutral0" padding={8} hasRadius>
              <Typography textColor="neutral600">{formatMessage({ id: getTranslation('audiences.empty'), defaultMessage: 'No audience yet.' })}</Typography>
            </Box>
          ) : (
            <Table colCount={5} rowCount={audiences.length + 1}>
              <Thead>
                <Tr>
                  <ColumnHeader>{formatMessage({ id: getTranslation('audiences.name'), defaultMessage: 'Name' })}</ColumnHeader>
                  <ColumnHeader>{formatMessage({ id: getTranslation('audiences.key'), defaultMessage: 'Key' })}</ColumnHeader>
                  <ColumnHeader>{formatMessage({ id: getTranslation('audiences.condition'), defaultMessage: 'Condition' })}</ColumnHeader>
                  <ColumnHeader>{formatMessage({ id: getTranslation('audiences.usedBy'), defaultMessage: 'Used by' })}</ColumnHeader>
                  <ColumnHeader>{formatMessage({ id: getTranslation('audiences.actions'), defaultMessage: 'Actions' })}</ColumnHeader>
                </Tr>
              </Thead>
              <Tbody>
                {audiences.map((audience) => {
                  const uses = [
                    ...(usage?.entries[audience.key] ?? []).map((use) => usageText(use, formatMessage)),
                    ...(usage?.audiences[audience.key] ?? []).map((key) => audienceText(audienceNames[key] ?? key, formatMessage)),
                  ];
                  return (
                    <Tr key={audience.documentId}>
                      <Td>
                        <Typography fontWeight="bold">{audience.name}</Typography>
                      </Td>
                      <Td>
                        <Typography>{audience.key}</Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal', maxWidth: '28rem' }}>
                        <Typography>{describeCondition(audience.condition, { audienceNames, formatMessage })}</Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal', maxWidth: '24rem' }}>
                        {usage === null ? (
                          <Typography textColor="neutral500">…</Typography>
                        ) : uses.length === 0 ? (
                          <Typography textColor="neutral600">{formatMessage({ id: getTranslation('audiences.notUsed'), defaultMessage: 'Not used' })}</Typography>
                        ) : (
                          <Flex direction="column" alignItems="flex-start">
                            {uses.slice(0, 4).map((text) => (
                              <Typography key={text} variant="pi">
                                {text}
                              </Typography>
                            ))}
                            {uses.length > 4 ? (
                              <Typography variant="pi">
                                {formatMessage(
                                  { id: getTranslation('audiences.usage.more'), defaultMessage: '{count, plural, one {and # more} other {and # more}}' },
                                  { count: uses.length - 4 }
                                )}
                              </Typography>
                            ) : null}
                          </Flex>
                        )}
                      </Td>
                      <Td>
                        {canManage ? (
                          <Flex gap={1}>
                            <IconButton
                              label={formatMessage({ id: getTranslation('audiences.edit'), defaultMessage: 'Edit {name}' }, { name: audience.name })}
                              variant="ghost"
                              onClick={() =>
                                setEditing({
                                  documentId: audience.documentId,
                                  name: audience.name,
                                  key: audience.key,
                                  description: audience.description ?? '',
                                  condition: audience.condition,
                                })
                              }
                            >
                              <Pencil />
                            </IconButton>
                            <IconButton
                              label={formatMessage({ id: getTranslation('audiences.deleteLabel'), defaultMessage: 'Delete {name}' }, { name: audience.name })}
                              variant="ghost"
                              onClick={() => setDeleting(audience)}
                            >
                              <Trash />
                            </IconButton>
                          </Flex>
                        ) : null}
                      </Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
          )}
        </Layouts.Content>
      </Page.Main>
      {editing ? (
        <AudienceModal
          initial={editing}
          others={audiences.filter((audience) => audience.documentId !== editing.documentId)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            toggleNotification({ type: 'success', message: formatMessage({ id: getTranslation('audiences.saved'), defaultMessage: 'Audience saved' }) });
            setEditing(null);
            void refresh();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove(deleting)}
        title={formatMessage({ id: getTranslation('audiences.delete.title'), defaultMessage: 'Delete this audience?' })}
        description={
          deleting
            ? formatMessage(
                { id: getTranslation('audiences.delete.body'), defaultMessage: '"{name}" ({key}) will be deleted.' },
                { name: deleting.name, key: deleting.key }
              )
            : ''
        }
        cancelLabel={formatMessage({ id: getTranslation('audiences.cancel'), defaultMessage: 'Cancel' })}
        confirmLabel={formatMessage({ id: getTranslation('audiences.delete'), defaultMessage: 'Delete' })}
      />
      <Dialog.Root open={refusal !== null} onOpenChange={(open: boolean) => (open ? undefined : setRefusal(null))}>
        <Dialog.Content>
          <Dialog.Header>
            {refusal
              ? formatMessage({ id: getTranslation('audiences.inUse.title'), defaultMessage: '"{name}" is in use' }, { name: refusal.audience.name })
              : ''}
          </Dialog.Header>
          <Dialog.Body>
            <Flex direction="column" alignItems="flex-start" gap={2}>
              <Typography>
                {formatMessage({ id: getTranslation('audiences.inUse.body'), defaultMessage: 'Remove it from these first, then delete it:' })}
              </Typography>
              <Box tag="ul" data-testid="audience-in-use">
                {refusal?.uses.map((text) => (
                  <Typography tag="li" key={text}>
                    {text}
                  </Typography>
                ))}
              </Box>
            </Flex>
          </Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button variant="tertiary">{formatMessage({ id: getTranslation('common.close'), defaultMessage: 'Close' })}</Button>
            </Dialog.Cancel>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </>
  );
};

export default AudiencesPage;
