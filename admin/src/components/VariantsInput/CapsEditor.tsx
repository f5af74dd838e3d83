import { Box, Button, Field, Flex, IconButton, NumberInput, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import type { VariantCap } from '../../../../contracts/src/variants/schema';
import {
  CAP_EVENTS,
  CAP_WINDOWS,
  capEventHint,
  capEventName,
  capMaxProblem,
  capSentence,
  capWindowLabel,
  MAX_CAPS_PER_VARIANT,
  nextCap,
  type CapEvent,
  type CapWindow,
} from '../../rules/caps';
import { getTranslation } from '../../utils/getTranslation';
import { issuesAt, type VariantIssue } from '../../utils/validateVariants';

interface CapsEditorProps {
  caps: VariantCap[];
  onChange: (caps: VariantCap[]) => void;
  /** The variant's problems (those under `caps` are shown at their row). */
  issues?: VariantIssue[];
  disabled?: boolean;
}

/**
 * A variant's frequency caps, one row per cap that reads as a sentence: "At most [3] [views]
 * [per day]". Rows are added up to the contract's limit and removed one by one.
 */
export const CapsEditor = ({ caps, onChange, issues, disabled }: CapsEditorProps) => {
  const { formatMessage } = useIntl();
  const update = (index: number, patch: Partial<VariantCap>) => onChange(caps.map((cap, i) => (i === index ? { ...cap, ...patch } : cap)));
  const full = caps.length >= MAX_CAPS_PER_VARIANT;

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="caps-editor">
      {caps.length === 0 ? (
        <Typography variant="pi" textColor="neutral600">
          {formatMessage({
            id: getTranslation('caps.none'),
            defaultMessage: 'No cap: the variant is served every time it matches.',
          })}
        </Typography>
      ) : (
        <Flex tag="ol" direction="column" alignItems="stretch" gap={2} padding={0} margin={0}>
          {caps.map((cap, index) => {
            const position = index + 1;
            const maxProblem = capMaxProblem(cap.max, formatMessage);
            const problems = maxProblem ? [maxProblem] : issuesAt(issues, 'caps', index);
            const valid = problems.length === 0;
            return (
              <Box
                key={index}
                tag="li"
                background="neutral0"
                borderColor={valid ? 'neutral200' : 'danger600'}
                hasRadius
                paddingTop={2}
                paddingBottom={2}
                paddingLeft={3}
                paddingRight={2}
                style={{ listStyle: 'none' }}
                data-testid={`cap-row-${index}`}
                aria-label={
                  valid
                    ? formatMessage({ id: getTranslation('caps.row'), defaultMessage: 'Cap {position}: {sentence}' }, { position, sentence: capSentence(cap, formatMessage) })
                    : formatMessage({ id: getTranslation('caps.row.invalid'), defaultMessage: 'Cap {position}, incomplete' }, { position })
                }
              >
                <Flex gap={2} alignItems="center" wrap="wrap">
                  <Typography>{formatMessage({ id: getTranslation('caps.atMost'), defaultMessage: 'At most' })}</Typography>
                  <Field.Root name={`cap-${index}-max`} width="9rem">
                    <NumberInput
                      aria-label={formatMessage({ id: getTranslation('caps.max'), defaultMessage: 'Cap {position}: how many' }, { position })}
                      size="S"
                      value={Number.isFinite(cap.max) ? cap.max : undefined}
                      disabled={disabled}
                      onValueChange={(value: number | undefined) => update(index, { max: value ?? Number.NaN })}
                      step={1}
                    />
                  </Field.Root>
                  <Field.Root name={`cap-${index}-on`} minWidth="14rem">
                    <SingleSelect
                      aria-label={formatMessage({ id: getTranslation('caps.on'), defaultMessage: 'Cap {position}: what is counted' }, { position })}
                      size="S"
                      value={cap.on}
                      disabled={disabled}
                      onChange={(value: string | number) => update(index, { on: String(value) as CapEvent })}
                    >
                      {CAP_EVENTS.map((on) => (
                        <SingleSelectOption key={on} value={on}>
                          {capEventName(on, Number.isFinite(cap.max) ? cap.max : 2, formatMessage)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Field.Root>
                  <Field.Root name={`cap-${index}-per`} minWidth="14rem">
                    <SingleSelect
                      aria-label={formatMessage({ id: getTranslation('caps.per'), defaultMessage: 'Cap {position}: window' }, { position })}
                      size="S"
                      value={cap.per}
                      disabled={disabled}
                      onChange={(value: string | number) => update(index, { per: String(value) as CapWindow })}
                    >
                      {CAP_WINDOWS.map((per) => (
                        <SingleSelectOption key={per} value={per}>
                          {capWindowLabel(per, formatMessage)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Field.Root>
                  <Box flex="1">
                    <Typography variant="pi" textColor="neutral600">
                      {capEventHint(cap.on, formatMessage)}
                    </Typography>
                  </Box>
                  <IconButton
                    label={formatMessage({ id: getTranslation('caps.remove'), defaultMessage: 'Remove cap {position}' }, { position })}
                    variant="ghost"
                    disabled={disabled}
                    onClick={() => onChange(caps.filter((_, i) => i !== index))}
                  >
                    <Trash />
                  </IconButton>
                </Flex>
                {problems.map((problem) => (
                  <Typography key={problem} variant="pi" textColor="danger600" role="alert">
                    {problem}
                  </Typography>
                ))}
              </Box>
            );
          })}
        </Flex>
      )}
      <Flex gap={3}>
        <Button variant="tertiary" size="S" startIcon={<Plus />} disabled={disabled || full} onClick={() => onChange([...caps, nextCap(caps)])}>
          {formatMessage({ id: getTranslation('caps.add'), defaultMessage: 'Add a cap' })}
        </Button>
        {full ? (
          <Typography variant="pi" textColor="neutral600">
            {formatMessage(
              { id: getTranslation('caps.full'), defaultMessage: 'At most {max} caps per variant.' },
              { max: MAX_CAPS_PER_VARIANT }
            )}
          </Typography>
        ) : null}
      </Flex>
    </Flex>
  );
};
