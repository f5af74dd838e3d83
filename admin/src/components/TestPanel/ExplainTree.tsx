import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { ExplainNode } from '../../../../engine/src';
import { getTranslation, type FormatMessage } from '../../utils/getTranslation';

const MAX_TEXT = 80;

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
};

const describe = (node: ExplainNode, formatMessage: FormatMessage): string => {
  if (node.op === 'var') {
    const path = (node.read ?? []).join('.') || formatMessage({ id: getTranslation('explain.data'), defaultMessage: '(data)' });
    return `${path} = ${short(node.value)}`;
  }
  if (node.op === 'audience') {
    return formatMessage({ id: getTranslation('explain.audience'), defaultMessage: 'audience "{key}"' }, { key: String(node.audience) });
  }
  return node.op;
};

/** The engine's explain tree: each operation, what it returned, and what it read. */
export const ExplainTree = ({ node }: { node: ExplainNode }) => {
  const { formatMessage } = useIntl();
  return (
    <Box tag="li" paddingLeft={3} style={{ listStyle: 'none' }}>
      <Flex gap={2}>
        <Typography
          variant="pi"
          textColor={node.truthy ? 'success600' : 'danger600'}
          aria-label={
            node.truthy
              ? formatMessage({ id: getTranslation('common.true'), defaultMessage: 'true' })
              : formatMessage({ id: getTranslation('common.false'), defaultMessage: 'false' })
          }
        >
          {node.truthy ? '✓' : '✗'}
        </Typography>
        <Typography variant="pi" fontWeight={node.op === 'var' ? undefined : 'bold'}>
          {describe(node, formatMessage)}
        </Typography>
        {node.op !== 'var' ? (
          <Typography variant="pi" textColor="neutral600">
            {`→ ${short(node.result)}`}
          </Typography>
        ) : null}
      </Flex>
      {node.children?.length ? (
        <Box tag="ul" paddingLeft={2}>
          {node.children.map((child, index) => (
            <ExplainTree key={`${child.path.join('/')}:${index}`} node={child} />
          ))}
        </Box>
      ) : null}
    </Box>
  );
};
