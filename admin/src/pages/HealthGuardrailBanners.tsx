import { useState } from 'react';

import { Alert, Box, Flex, Link, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { Link as RouterLink } from 'react-router-dom';

import type { HealthGuardrail } from '../../../contracts/src/admin/health';
import { PLUGIN_ID } from '../pluginId';
import { getTranslation, type MessageValues } from '../utils/getTranslation';
import { guardrailBanners, type GuardrailBanner } from './healthView';

const useT = () => {
  const { formatMessage } = useIntl();
  return (key: string, defaultMessage: string, values?: MessageValues) =>
    formatMessage({ id: getTranslation(`health.${key}`), defaultMessage }, values);
};

/** One running experiment's red banner: each arm that harms a guardrail, and a link to its results. */
const Banner = ({ banner }: { banner: GuardrailBanner }) => {
  const t = useT();
  // Dismissed until the next read (every minute): it is back while the arm still harms the guardrail.
  const [open, setOpen] = useState(true);
  if (!open) return null;
  const { experiment } = banner;
  return (
    <Box data-testid={`health-guardrail-banner-${experiment.key}`}>
      <Alert
        variant="danger"
        title={t('guardrail.title', 'A guardrail is harmed in “{name}”', { name: experiment.name })}
        closeLabel={t('guardrail.close', 'Close')}
        onClose={() => setOpen(false)}
        action={
          <Link tag={RouterLink} to={`/plugins/${PLUGIN_ID}/experiments/${experiment.documentId}/results`}>
            {t('guardrail.link', 'Open the results of “{name}”', { name: experiment.name })}
          </Link>
        }
      >
        {banner.harms.map((harm) => (
          // The Alert's body is a paragraph: one line per harm, as blocks inside it.
          <Typography key={`${harm.arm}-${harm.guardrail}`} tag="span" display="block">
            {harm.direction === 'increase'
              ? t('guardrail.lowers', 'Arm {arm} lowers “{guardrail}”, which should go up.', {
                  arm: harm.arm,
                  guardrail: harm.guardrail,
                })
              : t('guardrail.raises', 'Arm {arm} raises “{guardrail}”, which should go down.', {
                  arm: harm.arm,
                  guardrail: harm.guardrail,
                })}
          </Typography>
        ))}
      </Alert>
    </Box>
  );
};

/**
 * The Health page's guardrail banners (docs/observability.md, "The Health page"): one per running experiment with an
 * arm that harms one of its guardrails, as its results page's banner says; nothing when none does.
 */
export const HealthGuardrailBanners = ({ guardrails }: { guardrails: readonly HealthGuardrail[] }) => {
  const banners = guardrailBanners(guardrails);
  if (banners.length === 0) return null;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="health-guardrails">
      {banners.map((banner) => (
        <Banner key={banner.experiment.documentId} banner={banner} />
      ))}
    </Flex>
  );
};
