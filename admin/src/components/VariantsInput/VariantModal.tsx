import { useState } from 'react';

import { Button, Field, Flex, Modal, TextInput, Toggle, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { Variant } from '../../../../contracts/src/variants/schema';
import type { SchemaLike } from '../../../../contracts/src/schema-types';
import type { Audience } from '../../api';
import { getTranslation } from '../../utils/getTranslation';
import { issuesAt, type VariantIssue } from '../../utils/validateVariants';
import { RuleBuilder } from '../RuleBuilder/RuleBuilder';
import { capMaxProblem, withCaps } from '../../rules/caps';
import { CapsEditor } from './CapsEditor';
import { OverridesEditor } from './OverridesEditor';
import { variantIdFrom } from './ids';

interface VariantModalProps {
  initial: Variant;
  isNew: boolean;
  takenIds: string[];
  schema: SchemaLike | null;
  audiences: Audience[] | null;
  currentValues: Record<string, unknown>;
  /** Checks a draft the way a save would; returns its problems. */
  check: (variant: Variant) => VariantIssue[];
  onSave: (variant: Variant) => void;
  onClose: () => void;
  /** Where focus goes when the dialog closes (it has no trigger of its own to return to). */
  onCloseAutoFocus: (event: Event) => void;
}

/** Create or edit one variant: name, id, on/off, condition (rule builder) and overrides. */
export const VariantModal = ({ initial, isNew, takenIds, schema, audiences, currentValues, check, onSave, onClose, onCloseAutoFocus }: VariantModalProps) => {
  const { formatMessage } = useIntl();
  const [draft, setDraft] = useState<Variant>(initial);
  const [idTouched, setIdTouched] = useState(!isNew);
  const [conditionValid, setConditionValid] = useState(true);
  const issues = check(draft);
  const idTaken = takenIds.includes(draft.id);
  const nameError = draft.name.trim()
    ? issuesAt(issues, 'name').join('; ') || undefined
    : formatMessage({ id: getTranslation('variantModal.name.required'), defaultMessage: 'A name is required' });
  const idError = idTaken
    ? formatMessage({ id: getTranslation('variantModal.id.taken'), defaultMessage: '"{id}" is already used by another variant' }, { id: draft.id })
    : issuesAt(issues, 'id').join('; ') || undefined;
  const conditionError = issuesAt(issues, 'condition').join('; ');
  const capsValid = (draft.caps ?? []).every((cap) => capMaxProblem(cap.max, formatMessage) === null);
  const canSave = !nameError && !idError && conditionValid && capsValid && issues.length === 0;

  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content onCloseAutoFocus={onCloseAutoFocus}>
        <Modal.Header closeLabel={formatMessage({ id: getTranslation('common.closeDialog'), defaultMessage: 'Close the dialog' })}>
          <Modal.Title>
            {isNew
              ? formatMessage({ id: getTranslation('variantModal.new'), defaultMessage: 'New variant' })
              : formatMessage({ id: getTranslation('variantModal.edit'), defaultMessage: 'Edit "{name}"' }, { name: initial.name })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={5}>
            {/* Wraps at phone width: each field keeps a usable width instead of sharing one line. */}
            <Flex gap={4} alignItems="flex-start" wrap="wrap">
              <Field.Root name="variant-name" required error={nameError} style={{ flex: '2 1 20rem', minWidth: 0 }}>
                <Field.Label>{formatMessage({ id: getTranslation('variantModal.name'), defaultMessage: 'Name' })}</Field.Label>
                <TextInput
                  value={draft.name}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                    const name = event.target.value;
                    setDraft({ ...draft, name, id: idTouched ? draft.id : variantIdFrom(name, takenIds) });
                  }}
                />
                <Field.Error />
              </Field.Root>
              <Field.Root
                name="variant-id"
                required
                error={idError}
                hint={formatMessage({ id: getTranslation('variantModal.id.hint'), defaultMessage: 'Stable id, used in previews and analytics' })}
                style={{ flex: '1 1 16rem', minWidth: 0 }}
              >
                <Field.Label>{formatMessage({ id: getTranslation('variantModal.id'), defaultMessage: 'Id' })}</Field.Label>
                <TextInput
                  value={draft.id}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                    setIdTouched(true);
                    setDraft({ ...draft, id: event.target.value });
                  }}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              <Field.Root name="variant-enabled">
                <Field.Label>{formatMessage({ id: getTranslation('variantModal.enabled'), defaultMessage: 'Enabled' })}</Field.Label>
                <Toggle
                  onLabel={formatMessage({ id: getTranslation('variantModal.on'), defaultMessage: 'On' })}
                  offLabel={formatMessage({ id: getTranslation('variantModal.off'), defaultMessage: 'Off' })}
                  checked={draft.enabled}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, enabled: event.target.checked })}
                />
              </Field.Root>
            </Flex>
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography variant="delta" tag="h3">
                {formatMessage({ id: getTranslation('variantModal.condition'), defaultMessage: 'Condition' })}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {formatMessage({
                  id: getTranslation('variantModal.condition.hint'),
                  defaultMessage: 'Who sees this variant. With no condition, everyone who reaches it does.',
                })}
              </Typography>
              <RuleBuilder
                value={draft.condition ?? null}
                audiences={audiences}
                onValidityChange={setConditionValid}
                onChange={(condition) => setDraft({ ...draft, condition: condition as Variant['condition'] })}
              />
              {conditionError ? (
                <Typography variant="pi" textColor="danger600" role="alert">
                  {conditionError}
                </Typography>
              ) : null}
            </Flex>
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography variant="delta" tag="h3">
                {formatMessage({ id: getTranslation('variantModal.caps'), defaultMessage: 'Frequency caps' })}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {formatMessage({
                  id: getTranslation('variantModal.caps.hint'),
                  defaultMessage:
                    'How often one visitor may get this variant. When a cap is reached, the variant is passed over and the next one is tried. Caps need the visitor id; without it, they do not apply.',
                })}
              </Typography>
              <CapsEditor caps={draft.caps ?? []} issues={issues} onChange={(caps) => setDraft(withCaps(draft, caps))} />
            </Flex>
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography variant="delta" tag="h3">
                {formatMessage({ id: getTranslation('variantModal.overrides'), defaultMessage: 'Overrides' })}
              </Typography>
              {schema ? (
                <OverridesEditor
                  schema={schema}
                  overrides={draft.overrides}
                  currentValues={currentValues}
                  issues={issues}
                  onChange={(overrides) => setDraft({ ...draft, overrides })}
                />
              ) : (
                <Typography textColor="neutral600">
                  {formatMessage({ id: getTranslation('variantModal.noSchema'), defaultMessage: "The content type's fields could not be read." })}
                </Typography>
              )}
            </Flex>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {formatMessage({ id: getTranslation('variantModal.cancel'), defaultMessage: 'Cancel' })}
          </Button>
          <Button disabled={!canSave} onClick={() => onSave({ ...draft, name: draft.name.trim() })}>
            {isNew
              ? formatMessage({ id: getTranslation('variantModal.add'), defaultMessage: 'Add variant' })
              : formatMessage({ id: getTranslation('variantModal.apply'), defaultMessage: 'Apply changes' })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
