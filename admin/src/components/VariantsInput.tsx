import { forwardRef, useEffect, useMemo, useState } from 'react';

import { Field, Flex, JSONInput, Typography } from '@strapi/design-system';
import { useFetchClient, useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { adminApi, type Audience } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';
import { validateVariantsText } from '../utils/validateVariants';

interface VariantsInputProps {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  labelAction?: React.ReactNode;
}

const EXAMPLE = {
  variants: [
    {
      id: 'v_quick_exit',
      name: 'Hesitant mobile visitor',
      enabled: true,
      condition: { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '<': [{ var: 'behavior.dwellSec' }, 10] }] },
      overrides: { title: 'Still deciding? Here is 10% off' },
    },
  ],
};

const toText = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/**
 * The variants field's input: a JSON editor validated as you type (shape, ids, conditions compiled
 * by the engine against the audience library). An invalid text is still handed to the form so the
 * server refuses the save with its 400 instead of silently keeping an older value.
 */
export const VariantsInput = forwardRef<HTMLElement, VariantsInputProps>(
  ({ name, label, hint, required, disabled, labelAction }, _ref) => {
    const { formatMessage } = useIntl();
    const field = useField<unknown>(name);
    const { get } = useFetchClient();
    const [text, setText] = useState(() => toText(field.value));
    const [audiences, setAudiences] = useState<Record<string, unknown> | null>(null);

    useEffect(() => {
      let cancelled = false;
      get<{ data: Audience[] }>(adminApi.audiences)
        .then(({ data }) => {
          if (!cancelled) setAudiences(Object.fromEntries(data.data.map((audience) => [audience.key, audience.condition])));
        })
        // Without read access to audiences, references are left to the server's check on save.
        .catch(() => undefined);
      return () => {
        cancelled = true;
      };
    }, [get]);

    // Follow outside changes (locale switch, history restore) without clobbering what is being typed.
    useEffect(() => {
      const incoming = toText(field.value);
      if (incoming !== text && !(typeof field.value === 'string')) setText(incoming);
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [field.value]);

    const { problems } = useMemo(() => validateVariantsText(text, audiences), [text, audiences]);

    const onChange = (next: string) => {
      setText(next);
      const result = validateVariantsText(next, audiences);
      field.onChange(name, result.value);
    };

    const error = field.error ?? (problems.length > 0 ? problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('\n') : undefined);

    return (
      <Field.Root name={name} hint={hint} error={error} required={required}>
        <Flex direction="column" alignItems="stretch" gap={1}>
          <Field.Label action={labelAction}>{label}</Field.Label>
          <Typography variant="pi" textColor="neutral600">
            {formatMessage({
              id: getTranslation('variants.hint'),
              defaultMessage: 'Variants are tried in order; the first enabled one whose condition matches is served.',
            })}
          </Typography>
          <JSONInput
            value={text}
            onChange={onChange}
            disabled={disabled}
            minHeight="20rem"
            aria-label={label}
          />
          {!text && !disabled ? (
            <Typography variant="pi" textColor="neutral600">
              Example: {JSON.stringify(EXAMPLE)}
            </Typography>
          ) : null}
          <Field.Hint />
          <Field.Error />
        </Flex>
      </Field.Root>
    );
  }
);

VariantsInput.displayName = 'VariantsInput';

export default VariantsInput;
