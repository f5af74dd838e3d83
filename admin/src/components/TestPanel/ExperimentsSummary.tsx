import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { ExperimentMeta } from '../../api';
import { getTranslation, type FormatMessage } from '../../utils/getTranslation';
import { Code } from '../Figure';

type TestedExperiment = ExperimentMeta & { name: string };

/** Why the visitor tested is (or is not) in an experiment, in words. */
export const assignmentText = (meta: ExperimentMeta, formatMessage: FormatMessage): string => {
  const bucket = meta.bucket === null ? '—' : meta.bucket.toFixed(4);
  switch (meta.reason) {
    case 'hash':
      return formatMessage(
        { id: getTranslation('testPanel.experiment.hash'), defaultMessage: 'In arm “{arm}”: assigned from the visitor id (bucket {bucket}).' },
        { arm: meta.arm ?? '—', bucket }
      );
    case 'sticky':
      return formatMessage(
        { id: getTranslation('testPanel.experiment.sticky'), defaultMessage: 'In arm “{arm}”: kept from their first exposure, assignments are sticky (bucket {bucket}).' },
        { arm: meta.arm ?? '—', bucket }
      );
    case 'holdout':
      return formatMessage(
        { id: getTranslation('testPanel.experiment.holdout'), defaultMessage: 'Not in the experiment: bucket {bucket} falls outside the traffic share. They get the entry as if the experiment did not exist.' },
        { bucket }
      );
    case 'not-eligible':
      return formatMessage({
        id: getTranslation('testPanel.experiment.notEligible'),
        defaultMessage: 'Not in the experiment: they do not match its eligibility condition.',
      });
    case 'no-visitor':
      return formatMessage({
        id: getTranslation('testPanel.experiment.noVisitor'),
        defaultMessage: 'Not in the experiment: no visitor id (enter one above to see their arm).',
      });
    case 'no-consent':
      return formatMessage({
        id: getTranslation('testPanel.experiment.noConsent'),
        defaultMessage: 'Not in the experiment: this visitor has not consented to events.',
      });
    default:
      return meta.reason;
  }
};

/** The running experiments on this entry and where the visitor tested falls in each. */
export const ExperimentsSummary = ({ experiments }: { experiments: Record<string, TestedExperiment> }) => {
  const { formatMessage } = useIntl();
  const entries = Object.entries(experiments);
  return (
    <Box background="neutral0" hasRadius padding={3} borderColor="neutral200" data-testid="test-experiments">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600" tag="h4">
          {formatMessage({ id: getTranslation('testPanel.experiments'), defaultMessage: 'Experiments' })}
        </Typography>
        {entries.length === 0 ? (
          <Typography variant="omega" textColor="neutral600">
            {formatMessage({ id: getTranslation('testPanel.experiments.none'), defaultMessage: 'No running experiment on this entry.' })}
          </Typography>
        ) : (
          entries.map(([key, meta]) => (
            <Flex key={key} gap={2} wrap="wrap" data-testid={`test-experiment-${key}`}>
              <Typography fontWeight="bold">{meta.name}</Typography>
              <Code>{key}</Code>
              {meta.arm ? (
                <Badge variant="primary">
                  {formatMessage({ id: getTranslation('testPanel.experiment.arm'), defaultMessage: 'arm {arm}' }, { arm: meta.arm })}
                </Badge>
              ) : (
                <Badge variant="neutral">{formatMessage({ id: getTranslation('testPanel.experiment.out'), defaultMessage: 'not in it' })}</Badge>
              )}
              <Typography variant="omega" style={{ flexBasis: '100%' }}>
                {assignmentText(meta, formatMessage)}
              </Typography>
            </Flex>
          ))
        )}
      </Flex>
    </Box>
  );
};
