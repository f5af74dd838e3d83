import { useEffect, useState } from 'react';

import { Box, Flex, LinkButton, Loader, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Eye, ExternalLink } from '@strapi/icons';
import { unstable_useContentManagerContext, useFetchClient, useQueryParams } from '@strapi/strapi/admin';
import type { DocumentActionComponent } from '@strapi/content-manager/strapi-admin';
import { useIntl } from 'react-intl';

import { VARIANTS_CUSTOM_FIELD_UID, variantsValueSchema } from '../../../contracts/src/variants/schema';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { evaluateVariants, type VariantsEvaluation } from '../api';
import { errorMessage } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';

interface PreviewContentProps {
  uid: string;
  documentId: string;
  locale?: string;
  status: 'draft' | 'published';
  variants: { id: string; name: string }[];
}

/** Pick a variant; open the site's preview with it, or see the entry as that variant serves it. */
const PreviewContent = ({ uid, documentId, locale, status, variants }: PreviewContentProps) => {
  const client = useFetchClient();
  const { formatMessage } = useIntl();
  const [variant, setVariant] = useState(variants[0]?.id);
  const [result, setResult] = useState<VariantsEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!variant) return;
    let cancelled = false;
    setResult(null);
    evaluateVariants(client, { uid, documentId, locale, status, variant, signals: {} })
      .then((evaluation) => !cancelled && setResult(evaluation))
      .catch((reason: unknown) => !cancelled && setError(errorMessage(reason)));
    return () => {
      cancelled = true;
    };
  }, [client, uid, documentId, locale, status, variant]);

  if (variants.length === 0) {
    return <Typography>{formatMessage({ id: getTranslation('preview.noVariant'), defaultMessage: 'This entry has no variant yet.' })}</Typography>;
  }

  const entryIntro = formatMessage(
    {
      id: getTranslation('preview.entry'),
      defaultMessage: '{status, select, published {The published entry} other {The draft entry}} with this variant applied:',
    },
    { status }
  );
  const noPreviewUrl = formatMessage(
    { id: getTranslation('preview.noUrl'), defaultMessage: 'No preview URL is configured (plugin config {option}).' },
    { option: '"previewUrl"' }
  );

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <SingleSelect
        aria-label={formatMessage({ id: getTranslation('preview.variant'), defaultMessage: 'Variant to preview' })}
        value={variant}
        onChange={(next: string | number) => setVariant(String(next))}
      >
        {variants.map((candidate) => (
          <SingleSelectOption key={candidate.id} value={candidate.id}>
            {`${candidate.name} (${candidate.id})`}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      {error ? <Typography textColor="danger600">{error}</Typography> : null}
      {!result && !error ? (
        <Loader small>{formatMessage({ id: getTranslation('preview.loading'), defaultMessage: 'Loading the preview' })}</Loader>
      ) : null}
      {result?.previewUrl ? (
        <LinkButton href={result.previewUrl} isExternal endIcon={<ExternalLink />}>
          {formatMessage({ id: getTranslation('preview.open'), defaultMessage: 'Open the preview' })}
        </LinkButton>
      ) : null}
      {result?.entry ? (
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography variant="pi" textColor="neutral600">
            {result.previewUrl ? entryIntro : `${noPreviewUrl} ${entryIntro}`}
          </Typography>
          <Box tag="pre" padding={3} background="neutral100" hasRadius data-testid="preview-json" style={{ overflow: 'auto', maxHeight: '24rem', fontSize: '12px' }}>
            {JSON.stringify(result.entry, null, 2)}
          </Box>
        </Flex>
      ) : null}
    </Flex>
  );
};

/** Content Manager document action: "Preview as variant", for entries of types with a variants field. */
export const PreviewAction: DocumentActionComponent = ({ model, documentId, document, activeTab }) => {
  const { formatMessage } = useIntl();
  const { canRead } = usePluginPermissions();
  const [{ query }] = useQueryParams<{ plugins?: { i18n?: { locale?: string } } }>();
  const { contentType } = unstable_useContentManagerContext();
  if (!canRead || !documentId || !document) return null;
  const attributes = (contentType?.attributes ?? {}) as Record<string, { customField?: string }>;
  const fieldName = Object.keys(attributes).find((key) => attributes[key].customField === VARIANTS_CUSTOM_FIELD_UID);
  if (!fieldName) return null;
  const parsed = variantsValueSchema.safeParse(document[fieldName] ?? { variants: [] });
  const variants = parsed.success ? parsed.data.variants.map(({ id, name }) => ({ id, name })) : [];

  const title = formatMessage({ id: getTranslation('preview.action'), defaultMessage: 'Preview as variant' });
  return {
    label: title,
    icon: <Eye />,
    position: ['header', 'panel'],
    dialog: {
      type: 'modal',
      title,
      content: (
        <PreviewContent
          uid={model}
          documentId={documentId}
          locale={query.plugins?.i18n?.locale}
          status={activeTab === 'published' ? 'published' : 'draft'}
          variants={variants}
        />
      ),
    },
  };
};
