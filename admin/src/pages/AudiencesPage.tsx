import { useCallback, useEffect, useRef, useState } from 'react';

import { Box, Button, Flex, IconButton, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { deleteAudience, getAudienceUsage, type Audience, type AudienceUses, type UsageReport } from '../api';
import { ColumnHeader } from '../components/ColumnHeader';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useAudiences } from '../hooks/useAudiences';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { describeCondition } from '../rules/summary';
import { errorExtra, errorMessage } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';
import { AudienceModal, type AudienceDraft } from './AudienceModal';
import { deletePrompt, usesIn, usesInWords, type DeletePrompt } from './audiencesView';

const EMPTY: AudienceDraft = { name: '', key: '', description: '', condition: { '==': [{ var: 'context.device' }, 'mobile'] } };

/** The audience library: list with where each is used; create, edit and delete for managers. */
export const AudiencesPage = () => {
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  const { canManage } = usePluginPermissions();
  const { audiences, error, reload } = useAudiences();
  const [usage, setUsage] = useState<UsageReport | null>(null);
  const [editing, setEditing] = useState<AudienceDraft | null>(null);
  const [deleting, setDeleting] = useState<DeletePrompt | null>(null);
  /** What opened a dialog (Create, a row's Edit or Delete): focus goes back to it when the dialog closes. */
  const opener = useRef<HTMLElement | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const rememberOpener = () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const returnFocus = () => {
    const target = opener.current?.isConnected ? opener.current : createButton.current;
    target?.focus();
  };
  const restoreFocus = (event: Event) => {
    event.preventDefault();
    returnFocus();
  };
  const openEditor = (draft: AudienceDraft) => {
    rememberOpener();
    setEditing(draft);
  };

  const loadUsage = useCallback(async (): Promise<UsageReport | null> => {
    try {
      const report = await getAudienceUsage(client);
      setUsage(report);
      return report;
    } catch (reason) {
      toggleNotification({
        type: 'warning',
        message: formatMessage(
          { id: getTranslation('audiences.usage.error'), defaultMessage: 'Where audiences are used could not be loaded: {error}' },
          { error: errorMessage(reason) }
        ),
      });
      return null;
    }
  }, [client, toggleNotification, formatMessage]);

  useEffect(() => {
    void loadUsage();
  }, [loadUsage]);

  const refresh = async () => {
    await Promise.all([reload(), loadUsage()]);
  };

  /**
   * The delete button: warns at once, from the usage the table shows, when the audience is in use,
   * and again from a fresh report (someone may have used it, or stopped using it, since).
   */
  const askDelete = (audience: Audience) => {
    rememberOpener();
    setDeleting(deletePrompt(audience, usage, audienceNames, formatMessage));
    void loadUsage().then((report) => {
      if (!report) return;
      setDeleting((current) =>
        current?.audience.documentId === audience.documentId ? deletePrompt(audience, report, audienceNames, formatMessage) : current
      );
    });
  };

  const remove = async (audience: Audience) => {
    setDeleting(null);
    opener.current = null; // its row is going: focus goes to Create

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
        // Used after all (since the report): the same warning, from the server's own list.
        const uses = { entries: details.entries ?? [], audiences: details.audiences ?? [] };
        setDeleting({ kind: 'in-use', audience, uses: usesInWords(uses, audienceNames, formatMessage) });
        void loadUsage();
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
              <Button ref={createButton} startIcon={<Plus />} onClick={() => openEditor({ ...EMPTY })}>
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
                  const uses = usage ? usesInWords(usesIn(usage, audience.key), audienceNames, formatMessage) : [];
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
                                openEditor({
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
                              onClick={() => askDelete(audience)}
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
          onCloseAutoFocus={restoreFocus}
          onSaved={() => {
            toggleNotification({ type: 'success', message: formatMessage({ id: getTranslation('audiences.saved'), defaultMessage: 'Audience saved' }) });
            setEditing(null);
            void refresh();
          }}
        />
      ) : null}
      {deleting?.kind === 'in-use' ? (
        <ConfirmDialog
          open
          onCancel={() => {
            setDeleting(null);
            setTimeout(returnFocus, 0);
          }}
          title={formatMessage({ id: getTranslation('audiences.inUse.title'), defaultMessage: '"{name}" is in use' }, { name: deleting.audience.name })}
          description={formatMessage({ id: getTranslation('audiences.inUse.body'), defaultMessage: 'Remove it from these first, then delete it:' })}
          items={deleting.uses}
          itemsTestId="audience-in-use"
          note={formatMessage({
            id: getTranslation('audiences.inUse.note'),
            defaultMessage: 'An audience in use cannot be deleted: the variants and audiences above would lose their condition.',
          })}
          cancelLabel={formatMessage({ id: getTranslation('audiences.cancel'), defaultMessage: 'Cancel' })}
        />
      ) : (
        <ConfirmDialog
          open={deleting !== null}
          onCancel={() => {
            setDeleting(null);
            setTimeout(returnFocus, 0);
          }}
          onConfirm={() => deleting && remove(deleting.audience)}
          title={formatMessage({ id: getTranslation('audiences.delete.title'), defaultMessage: 'Delete this audience?' })}
          description={
            deleting
              ? formatMessage(
                  { id: getTranslation('audiences.delete.body'), defaultMessage: '"{name}" ({key}) will be deleted.' },
                  { name: deleting.audience.name, key: deleting.audience.key }
                )
              : ''
          }
          cancelLabel={formatMessage({ id: getTranslation('audiences.cancel'), defaultMessage: 'Cancel' })}
          confirmLabel={formatMessage({ id: getTranslation('audiences.delete'), defaultMessage: 'Delete' })}
        />
      )}
    </>
  );
};

export default AudiencesPage;
