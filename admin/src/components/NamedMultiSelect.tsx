import { Flex, MultiSelect, MultiSelectOption, Tag } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { getTranslation } from '../utils/getTranslation';

export interface NamedOption {
  value: string;
  label: string;
}

interface NamedMultiSelectProps {
  /** The select's accessible name (also its placeholder). */
  label: string;
  options: NamedOption[];
  value: string[];
  onChange: (value: string[]) => void;
  disabled?: boolean;
  /** `data-testid` of the list of chosen values. */
  testId?: string;
}

/**
 * The design system's MultiSelect with its chosen values as named tags. Its own `withTags` puts
 * each tag's remove button, with no accessible name, inside the combobox (axe: button-name,
 * nested-interactive). Here the combobox lists the chosen values as text, and each one is a Tag
 * under it whose remove button says what it removes ("Remove cta").
 */
export const NamedMultiSelect = ({ label, options, value, onChange, disabled, testId }: NamedMultiSelectProps) => {
  const { formatMessage } = useIntl();
  const labelOf = (chosen: string) => options.find((option) => option.value === chosen)?.label ?? chosen;
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <MultiSelect
        aria-label={label}
        placeholder={label}
        value={value}
        disabled={disabled}
        onChange={(next: string[]) => onChange(next)}
        customizeContent={(chosen?: string[]) => (chosen ?? []).map(labelOf).join(', ')}
      >
        {options.map((option) => (
          <MultiSelectOption key={option.value} value={option.value}>
            {option.label}
          </MultiSelectOption>
        ))}
      </MultiSelect>
      {value.length ? (
        <Flex tag="ul" gap={2} wrap="wrap" aria-label={label} data-testid={testId} padding={0} margin={0}>
          {value.map((chosen) => (
            <li key={chosen} style={{ listStyle: 'none', maxWidth: '100%' }}>
              <Tag
                icon={<Cross aria-hidden />}
                disabled={disabled}
                label={formatMessage({ id: getTranslation('multiSelect.remove'), defaultMessage: 'Remove {name}' }, { name: labelOf(chosen) })}
                onClick={() => onChange(value.filter((item) => item !== chosen))}
                style={{ maxWidth: '100%' }}
              >
                {labelOf(chosen)}
              </Tag>
            </li>
          ))}
        </Flex>
      ) : null}
    </Flex>
  );
};
