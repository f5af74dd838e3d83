import { useCallback, useEffect, useState } from 'react';

import { Box, Button, Dialog, Flex, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';

import { useAudiences } from '../hooks/useAudiences';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { describeCondition } from '../rules/summary';
import { adminApi, errorExtra, errorMessage, type Audience, type AudienceUsage, type UsageReport } from '../utils/api';
import { AudienceModal, type AudienceDraft } from './AudienceModal';

const EMPTY: AudienceDraft = { name: '', key: '', description: '', condition: { '==': [{ var: 'context.device' }, 'mobile'] } };

const usageText = (use: AudienceUsage) =>
  `${use.contentType} "${use.title ?? use.documentId}"${use.locale ? ` (${use.locale}, ${use.status})` : ` (${use.status})`} → ${use.variantName}`;

/** The audience library: list with where each is used; create, edit and delete for managers. */
export const AudiencesPage = () => {
  const { get, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canManage } = usePluginPermissions();
  const { audiences, error, reload } = useAudiences();
  const [usage, setUsage] = useState<UsageReport | null>(null);
  const [editing, setEditing] = useState<AudienceDraft | null>(null);
  const [deleting, setDeleting] = useState<Audience | null>(null);
  const [refusal, setRefusal] = useState<{ audience: Audience; message: string; uses: string[] } | null>(null);

  const loadUsage = useCallback(async () => {
    try {
      const { data } = await get<{ data: UsageReport }>(adminApi.usage);
      setUsage(data.data);
    } catch (reason) {
      toggleNotification({ type: 'warning', message: `Where audiences are used could not be loaded: ${errorMessage(reason)}` });
    }
  }, [get, toggleNotification]);

  useEffect(() => {
    void loadUsage();
  }, [loadUsage]);

  const refresh = async () => {
    await Promise.all([reload(), loadUsage()]);
  };

  const remove = async (audience: Audience) => {
    setDeleting(null);
    try {
      await del(adminApi.audience(audience.documentId));
      toggleNotification({ type: 'success', message: `Audience "${audience.name}" deleted` });
      await refresh();
    } catch (reason) {
      const details = errorExtra(reason) as { entries?: AudienceUsage[]; audiences?: string[] } | undefined;
      if (details?.entries || details?.audiences) {
        setRefusal({
          audience,
          message: errorMessage(reason),
          uses: [...(details.entries ?? []).map(usageText), ...(details.audiences ?? []).map((key) => `Audience "${key}"`)],
        });
      } else {
        toggleNotification({ type: 'danger', message: errorMessage(reason) });
      }
    }
  };

  if (error) return <Page.Error />;
  if (!audiences) return <Page.Loading />;
  const audienceNames = Object.fromEntries(audiences.map((audience) => [audience.key, audience.name]));

  return (
    <Layouts.Root>
      <Page.Title>Audiences</Page.Title>
      <Page.Main>
        <Layouts.Header
          title="Audiences"
          subtitle='Reusable visitor conditions. Variants use them as "in audience …".'
          primaryAction={
            canManage ? (
              <Button startIcon={<Plus />} onClick={() => setEditing({ ...EMPTY })}>
                Create an audience
              </Button>
            ) : undefined
          }
        />
        <Layouts.Content>
          {audiences.length === 0 ? (
            <Box background="neutral0" padding={8} hasRadius>
              <Typography textColor="neutral600">No audience yet.</Typography>
            </Box>
          ) : (
            <Table colCount={5} rowCount={audiences.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">Name</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">Key</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">Condition</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">Used by</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">Actions</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {audiences.map((audience) => {
                  const uses = [
                    ...(usage?.entries[audience.key] ?? []).map(usageText),
                    ...(usage?.audiences[audience.key] ?? []).map((key) => `Audience "${audienceNames[key] ?? key}"`),
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
                        <Typography>{describeCondition(audience.condition, { audienceNames })}</Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal', maxWidth: '24rem' }}>
                        {usage === null ? (
                          <Typography textColor="neutral500">…</Typography>
                        ) : uses.length === 0 ? (
                          <Typography textColor="neutral600">Not used</Typography>
                        ) : (
                          <Flex direction="column" alignItems="flex-start">
                            {uses.slice(0, 4).map((text) => (
                              <Typography key={text} variant="pi">
                                {text}
                              </Typography>
                            ))}
                            {uses.length > 4 ? <Typography variant="pi">{`and ${uses.length - 4} more`}</Typography> : null}
                          </Flex>
                        )}
                      </Td>
                      <Td>
                        {canManage ? (
                          <Flex gap={1}>
                            <IconButton
                              label={`Edit ${audience.name}`}
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
                            <IconButton label={`Delete ${audience.name}`} variant="ghost" onClick={() => setDeleting(audience)}>
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
            toggleNotification({ type: 'success', message: 'Audience saved' });
            setEditing(null);
            void refresh();
          }}
        />
      ) : null}
      <Dialog.Root open={deleting !== null} onOpenChange={(open: boolean) => (open ? undefined : setDeleting(null))}>
        <Dialog.Content>
          <Dialog.Header>Delete this audience?</Dialog.Header>
          <Dialog.Body>{deleting ? `"${deleting.name}" (${deleting.key}) will be deleted.` : null}</Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button variant="tertiary">Cancel</Button>
            </Dialog.Cancel>
            <Dialog.Action>
              <Button variant="danger-light" onClick={() => deleting && remove(deleting)}>
                Delete
              </Button>
            </Dialog.Action>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
      <Dialog.Root open={refusal !== null} onOpenChange={(open: boolean) => (open ? undefined : setRefusal(null))}>
        <Dialog.Content>
          <Dialog.Header>{refusal ? `"${refusal.audience.name}" is in use` : ''}</Dialog.Header>
          <Dialog.Body>
            <Flex direction="column" alignItems="flex-start" gap={2}>
              <Typography>Remove it from these first, then delete it:</Typography>
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
              <Button variant="tertiary">Close</Button>
            </Dialog.Cancel>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </Layouts.Root>
  );
};

export default AudiencesPage;
