import { useState } from 'react';

import { Box, Button, Field, Flex, TextInput } from '@strapi/design-system';
import { Search } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { describeVisitorIdProblem, visitorIdProblem } from '../../utils/visitorId';
import type { T } from './i18n';

/** The visitor id to look up, checked as it is typed. */
export const LookupCard = ({ loading, onLookUp, t }: { loading: boolean; onLookUp: (visitorId: string) => void; t: T }) => {
  const { formatMessage } = useIntl();
  const [input, setInput] = useState('');

  const typed = input.trim();
  const problem = visitorIdProblem(typed);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (typed && !problem) onLookUp(typed);
  };

  return (
    <Box
      tag="form"
      onSubmit={submit}
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      padding={6}
      data-testid="visitor-lookup"
    >
      {/* The button goes under the field at phone width. */}
      <Flex gap={4} alignItems="flex-start" wrap="wrap">
        <Box flex="1 1 24rem" minWidth={0}>
          <Field.Root
            name="visitor-id"
            error={problem ? describeVisitorIdProblem(problem, formatMessage) : undefined}
            hint={t('id.hint', "The SDK's visitor id (pz.visitorId, the pz_vid cookie). Only its keyed hash is stored.")}
          >
            <Field.Label>{t('id', 'Visitor id')}</Field.Label>
            <TextInput
              value={input}
              autoComplete="off"
              spellCheck={false}
              placeholder={t('id.placeholder', 'e.g. 3f9c2b7e-…')}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => setInput(event.target.value)}
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Box>
        <Box paddingTop={6}>
          <Button type="submit" size="L" startIcon={<Search />} loading={loading} disabled={!typed || problem !== null}>
            {t('lookUp', 'Look up')}
          </Button>
        </Box>
      </Flex>
    </Box>
  );
};
