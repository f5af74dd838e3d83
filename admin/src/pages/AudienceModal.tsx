import { useState } from 'react';

import { Button, Field, Flex, Modal, TextInput, Textarea, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { RuleBuilder } from '../components/RuleBuilder/RuleBuilder';
import { createAudience, updateAudience, type Audience } from '../api';
import { errorDetails, errorMessage } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';
import { ConditionTester } from './ConditionTester';

export interface AudienceDraft {
  documentId?: string;
  name: string;
  key: string;
  description: string;
  condition: unknown;
}

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

interface AudienceModalProps {
  initial: AudienceDraft;
  /** The library without the audience being edited, for checking references and cycles. */
  others: Audience[];
  onSaved: () => void;
  onClose: () => void;
  /** Where focus goes when the dialog closes (it has no trigger of its own to return to). */
  onCloseAutoFocus: (event: Event) => void;
}

/** Create or edit an audience with the same rule builder as variants, and try it out. */
export const AudienceModal = ({ initial, others, onSaved, onClose, onCloseAutoFocus }: AudienceModalProps) => {
  const client = useFetchClient();
  const { formatMessage } = useIntl();
  const [draft, setDraft] = useState<AudienceDraft>(initial);
  const [conditionValid, setConditionValid] = useState(true);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  // Referencing itself would be a cycle: the builder compiles against the others plus this one.
  const library: Audience[] = draft.key
    ? [...others, { documentId: draft.documentId ?? 'new', name: draft.name, key: draft.key, condition: draft.condition }]
    : others;

  const save = async () => {
    setSaving(true);
    setServerErrors({});
    const body = { name: draft.name, key: draft.key, description: draft.description || null, condition: draft.condition };
    try {
      if (draft.documentId) await updateAudience(client, draft.documentId, body);
      else await createAudience(client, body);
      onSaved();
    } catch (error) {
      const details = errorDetails(error);
      const byField: Record<string, string> = {};
      for (const detail of details) byField[String(detail.path[0] ?? 'form')] = detail.message;
      if (!details.length) byField.form = errorMessage(error);
      setServerErrors(byField);
    } finally {
      setSaving(false);
    }
  };

  const missingCondition = draft.condition === null || draft.condition === undefined;

  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content onCloseAutoFocus={onCloseAutoFocus}>
        <Modal.Header closeLabel={formatMessage({ id: getTranslation('common.closeDialog'), defaultMessage: 'Close the dialog' })}>
          <Modal.Title>
            {draft.documentId
              ? formatMessage({ id: getTranslation('audiences.modal.edit'), defaultMessage: 'Edit "{name}"' }, { name: initial.name })
              : formatMessage({ id: getTranslation('audiences.modal.new'), defaultMessage: 'New audience' })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Flex gap={4} alignItems="flex-start" wrap="wrap">
              <Field.Root name="audience-name" required error={serverErrors.name} style={{ flex: '1 1 20rem', minWidth: 0 }}>
                <Field.Label>{formatMessage({ id: getTranslation('audiences.name'), defaultMessage: 'Name' })}</Field.Label>
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
                <Field.Error />
              </Field.Root>
              <Field.Root
                name="audience-key"
                required
                error={serverErrors.key}
                hint={formatMessage(
                  { id: getTranslation('audiences.key.hint'), defaultMessage: 'Used in conditions as {example}' },
                  { example: `{"audience": "${draft.key || '…'}"}` }
                )}
                style={{ flex: '1 1 20rem', minWidth: 0 }}
              >
                <Field.Label>{formatMessage({ id: getTranslation('audiences.key'), defaultMessage: 'Key' })}</Field.Label>
                <TextInput value={draft.key} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, key: event.target.value })} />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Flex>
            <Field.Root name="audience-description">
              <Field.Label>{formatMessage({ id: getTranslation('audiences.description'), defaultMessage: 'Description' })}</Field.Label>
              <Textarea
                value={draft.description}
                onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setDraft({ ...draft, description: event.target.value })}
              />
            </Field.Root>
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography variant="delta" tag="h3">
                {formatMessage({ id: getTranslation('audiences.condition'), defaultMessage: 'Condition' })}
              </Typography>
              <RuleBuilder
                value={draft.condition}
                audiences={library}
                onValidityChange={setConditionValid}
                onChange={(condition) => setDraft({ ...draft, condition })}
              />
              {serverErrors.condition || missingCondition ? (
                <Typography variant="pi" textColor="danger600" role="alert">
                  {serverErrors.condition ?? formatMessage({ id: getTranslation('audiences.condition.required'), defaultMessage: 'An audience needs a condition' })}
                </Typography>
              ) : null}
            </Flex>
            {!missingCondition && conditionValid ? <ConditionTester condition={draft.condition} /> : null}
            {serverErrors.form ? (
              <Typography textColor="danger600" role="alert">
                {serverErrors.form}
              </Typography>
            ) : null}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {formatMessage({ id: getTranslation('audiences.cancel'), defaultMessage: 'Cancel' })}
          </Button>
          <Button loading={saving} disabled={!draft.name.trim() || !draft.key || !conditionValid || missingCondition} onClick={save}>
            {formatMessage({ id: getTranslation('audiences.save'), defaultMessage: 'Save' })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
