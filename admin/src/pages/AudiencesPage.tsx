import { useCallback, useEffect, useMemo, useState } from 'react';

import {
  Box,
  Button,
  Field,
  Flex,
  JSONInput,
  Table,
  Tbody,
  Td,
  TextInput,
  Textarea,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';

import { compile, RuleError } from '../../../engine/src';
import { adminApi, errorMessage, type Audience } from '../utils/api';

interface Draft {
  documentId?: string;
  name: string;
  key: string;
  description: string;
  conditionText: string;
}

const EMPTY_DRAFT: Draft = {
  name: '',
  key: '',
  description: '',
  conditionText: JSON.stringify({ '==': [{ var: 'context.device' }, 'mobile'] }, null, 2),
};

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

/** Checks a draft's condition with the engine against the rest of the library, as the server will. */
const conditionProblem = (draft: Draft, library: Audience[]): string | null => {
  let condition: unknown;
  try {
    condition = JSON.parse(draft.conditionText);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  const audiences = Object.fromEntries(
    library.filter((audience) => audience.documentId !== draft.documentId).map((audience) => [audience.key, audience.condition])
  );
  if (draft.key) audiences[draft.key] = condition;
  try {
    compile((draft.key ? { audience: draft.key } : condition) as never, { audiences: audiences as never });
    return null;
  } catch (error) {
    return error instanceof RuleError ? error.message : String(error);
  }
};

export const AudiencesPage = () => {
  const { get, post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [audiences, setAudiences] = useState<Audience[] | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const { data } = await get<{ data: Audience[] }>(adminApi.audiences);
    setAudiences(data.data);
  }, [get]);

  useEffect(() => {
    load().catch((error) => toggleNotification({ type: 'danger', message: errorMessage(error) }));
  }, [load, toggleNotification]);

  const problem = useMemo(() => (draft ? conditionProblem(draft, audiences ?? []) : null), [draft, audiences]);

  const save = async () => {
    if (!draft || problem) return;
    setServerError(null);
    const body = {
      name: draft.name,
      key: draft.key,
      description: draft.description || null,
      condition: JSON.parse(draft.conditionText),
    };
    try {
      if (draft.documentId) await put(adminApi.audience(draft.documentId), body);
      else await post(adminApi.audiences, body);
      toggleNotification({ type: 'success', message: 'Audience saved' });
      setDraft(null);
      await load();
    } catch (error) {
      setServerError(errorMessage(error));
    }
  };

  const remove = async (audience: Audience) => {
    try {
      await del(adminApi.audience(audience.documentId));
      toggleNotification({ type: 'success', message: `Audience "${audience.name}" deleted` });
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  if (!audiences) return <Page.Loading />;

  return (
    <Layouts.Root>
      <Page.Title>Audiences</Page.Title>
      <Page.Main>
        <Layouts.Header
          title="Audiences"
          subtitle='Reusable visitor conditions. Use one in a variant condition as {"audience": "key"}.'
          primaryAction={
            <Button startIcon={<Plus />} onClick={() => setDraft({ ...EMPTY_DRAFT })}>
              Create an audience
            </Button>
          }
        />
        <Layouts.Content>
          {draft ? (
            <Box background="neutral0" padding={6} marginBottom={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  {draft.documentId ? `Edit "${draft.name}"` : 'New audience'}
                </Typography>
                <Field.Root name="name" required>
                  <Field.Label>Name</Field.Label>
                  <TextInput
                    value={draft.name}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
                      setDraft({
                        ...draft,
                        name: event.target.value,
                        key: draft.documentId || draft.key !== slugify(draft.name) ? draft.key : slugify(event.target.value),
                      })
                    }
                  />
                </Field.Root>
                <Field.Root name="key" required hint="Referenced in conditions as {&quot;audience&quot;: key}">
                  <Field.Label>Key</Field.Label>
                  <TextInput
                    value={draft.key}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, key: event.target.value })}
                  />
                  <Field.Hint />
                </Field.Root>
                <Field.Root name="description">
                  <Field.Label>Description</Field.Label>
                  <Textarea
                    value={draft.description}
                    onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) =>
                      setDraft({ ...draft, description: event.target.value })
                    }
                  />
                </Field.Root>
                <Field.Root name="condition" required error={problem ?? serverError ?? undefined}>
                  <Field.Label>Condition (JSON-logic)</Field.Label>
                  <JSONInput
                    value={draft.conditionText}
                    minHeight="12rem"
                    onChange={(conditionText: string) => setDraft({ ...draft, conditionText })}
                  />
                  <Field.Error />
                </Field.Root>
                <Flex gap={2} justifyContent="flex-end">
                  <Button variant="tertiary" onClick={() => setDraft(null)}>
                    Cancel
                  </Button>
                  <Button onClick={save} disabled={Boolean(problem) || !draft.name || !draft.key}>
                    Save
                  </Button>
                </Flex>
              </Flex>
            </Box>
          ) : null}
          {audiences.length === 0 ? (
            <Box background="neutral0" padding={8} hasRadius>
              <Typography textColor="neutral600">No audience yet.</Typography>
            </Box>
          ) : (
            <Table colCount={4} rowCount={audiences.length + 1}>
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
                    <Typography variant="sigma">Actions</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {audiences.map((audience) => (
                  <Tr key={audience.documentId}>
                    <Td>
                      <Typography fontWeight="bold">{audience.name}</Typography>
                    </Td>
                    <Td>
                      <Typography>{audience.key}</Typography>
                    </Td>
                    <Td>
                      <Typography ellipsis>{JSON.stringify(audience.condition)}</Typography>
                    </Td>
                    <Td>
                      <Flex gap={1}>
                        <Button
                          variant="ghost"
                          startIcon={<Pencil />}
                          onClick={() =>
                            setDraft({
                              documentId: audience.documentId,
                              name: audience.name,
                              key: audience.key,
                              description: audience.description ?? '',
                              conditionText: JSON.stringify(audience.condition, null, 2),
                            })
                          }
                        >
                          Edit
                        </Button>
                        <Button variant="danger-light" startIcon={<Trash />} onClick={() => remove(audience)}>
                          Delete
                        </Button>
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};

export default AudiencesPage;
