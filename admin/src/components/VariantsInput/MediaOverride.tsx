import { useEffect, useState } from 'react';

import { Box, Button, Flex, IconButton, TextInput, Typography } from '@strapi/design-system';
import { Cross, File as FileIcon, Images } from '@strapi/icons';
import { useFetchClient, useStrapiApp } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { AttributeLike } from '../../../../contracts/src/schema-types';
import { getUploadFile, type MediaFile } from '../../api';
import { getTranslation } from '../../utils/getTranslation';
import { mediaIds } from './currentValue';

interface MediaLibraryDialogProps {
  allowedTypes?: string[];
  multiple?: boolean;
  initiallySelectedAssets?: MediaFile[];
  onClose: () => void;
  onSelectAssets: (assets: MediaFile[]) => void;
}

/** Files already seen in this admin session (picked, or read once), by id. */
const knownFiles = new Map<number, MediaFile | 'missing'>();

const backendUrl = (url: string) =>
  url.startsWith('/') ? `${(window as unknown as { strapi?: { backendURL?: string } }).strapi?.backendURL ?? ''}${url}` : url;

const thumbnailOf = (file: MediaFile) => backendUrl(file.formats?.thumbnail?.url ?? file.url);

/** The files of the ids, from what is known or read from the upload plugin's admin API. */
const useMediaFiles = (ids: number[]) => {
  const client = useFetchClient();
  const [, setVersion] = useState(0);
  const key = ids.join(',');
  useEffect(() => {
    const unknown = ids.filter((id) => !knownFiles.has(id));
    if (unknown.length === 0) return;
    let live = true;
    void Promise.all(
      unknown.map(async (id) => {
        try {
          knownFiles.set(id, await getUploadFile(client, id));
        } catch {
          knownFiles.set(id, 'missing');
        }
      })
    ).then(() => live && setVersion((version) => version + 1));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, client]);
  return ids.map((id) => ({ id, file: knownFiles.get(id) }));
};

interface MediaOverrideProps {
  name: string;
  attribute: AttributeLike;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled?: boolean;
}

/**
 * A media override picked with Strapi's own media library dialog (registered by @strapi/upload as
 * the `media-library` component): the chosen files as thumbnails with their names, to remove or
 * replace. The value stays what the server validates: a file id, or a list of them.
 */
export const MediaOverride = ({ name, attribute, value, onChange, disabled }: MediaOverrideProps) => {
  const { formatMessage } = useIntl();
  const MediaLibraryDialog = useStrapiApp('MediaOverride', (state) => state.components['media-library']) as
    | React.ComponentType<MediaLibraryDialogProps>
    | undefined;
  const [open, setOpen] = useState(false);
  const multiple = Boolean(attribute.multiple);
  const ids = mediaIds(value);
  const files = useMediaFiles(ids);

  const setIds = (next: number[]) => onChange(multiple ? next : (next[0] ?? null));

  if (!MediaLibraryDialog) {
    // Without the upload plugin's dialog (plugin disabled): ids by hand.
    return (
      <TextInput
        aria-label={name}
        value={ids.join(', ')}
        disabled={disabled}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
          setIds(
            event.target.value
              .split(',')
              .map((item) => Number(item.trim()))
              .filter((id) => Number.isInteger(id) && id > 0)
          )
        }
      />
    );
  }

  const chooseLabel = ids.length
    ? multiple
      ? formatMessage({ id: getTranslation('variants.media.change'), defaultMessage: 'Add or change files' })
      : formatMessage({ id: getTranslation('variants.media.replace'), defaultMessage: 'Replace' })
    : formatMessage(
        multiple
          ? { id: getTranslation('variants.media.choose.multiple'), defaultMessage: 'Choose files in the media library' }
          : { id: getTranslation('variants.media.choose'), defaultMessage: 'Choose a file in the media library' }
      );

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid={`media-override-${name}`}>
      {ids.length ? (
        <Flex tag="ul" gap={2} wrap="wrap" aria-label={formatMessage({ id: getTranslation('variants.media.chosen'), defaultMessage: 'Chosen files' })}>
          {files.map(({ id, file }) => {
            const known = file && file !== 'missing' ? file : null;
            const fileName = known?.name ?? formatMessage({ id: getTranslation('variants.media.fileId'), defaultMessage: 'File #{id}' }, { id });
            const isImage = Boolean(known?.mime?.startsWith('image/'));
            return (
              <Box
                key={id}
                tag="li"
                background="neutral0"
                borderColor={file === 'missing' ? 'danger600' : 'neutral200'}
                hasRadius
                padding={2}
                style={{ width: '32rem', maxWidth: '100%', listStyle: 'none' }}
                data-testid={`media-file-${id}`}
              >
                <Flex gap={3} alignItems="center">
                  <Flex
                    background="neutral150"
                    hasRadius
                    justifyContent="center"
                    alignItems="center"
                    shrink={0}
                    style={{ width: '4.8rem', height: '4.8rem', overflow: 'hidden' }}
                  >
                    {known && isImage ? (
                      <img
                        src={thumbnailOf(known)}
                        alt={known.alternativeText || known.name}
                        style={{ width: '100%', height: '100%', objectFit: 'cover' }}
                      />
                    ) : (
                      <FileIcon aria-hidden width="2.4rem" height="2.4rem" />
                    )}
                  </Flex>
                  <Flex direction="column" alignItems="flex-start" gap={1} style={{ minWidth: 0, flex: 1 }}>
                    <Typography fontWeight="semiBold" ellipsis style={{ maxWidth: '100%' }} title={fileName}>
                      {fileName}
                    </Typography>
                    <Typography variant="pi" textColor={file === 'missing' ? 'danger600' : 'neutral600'}>
                      {file === 'missing'
                        ? formatMessage({ id: getTranslation('variants.media.missing'), defaultMessage: 'Not found in the media library' })
                        : known
                          ? [known.ext?.replace(/^\./, '').toUpperCase(), known.width && known.height ? `${known.width}×${known.height}` : null]
                              .filter(Boolean)
                              .join(' · ')
                          : formatMessage({ id: getTranslation('variants.media.loading'), defaultMessage: 'Loading…' })}
                    </Typography>
                  </Flex>
                  <IconButton
                    label={formatMessage({ id: getTranslation('variants.media.remove'), defaultMessage: 'Remove {name}' }, { name: fileName })}
                    variant="ghost"
                    disabled={disabled}
                    onClick={() => setIds(ids.filter((other) => other !== id))}
                  >
                    <Cross />
                  </IconButton>
                </Flex>
              </Box>
            );
          })}
        </Flex>
      ) : (
        <Box background="neutral100" borderColor="neutral200" borderStyle="dashed" hasRadius padding={4}>
          <Typography variant="pi" textColor="neutral600">
            {formatMessage({ id: getTranslation('variants.media.empty'), defaultMessage: 'No file: the field will be empty for this variant.' })}
          </Typography>
        </Box>
      )}
      <Flex>
        <Button variant="secondary" startIcon={<Images />} disabled={disabled} onClick={() => setOpen(true)}>
          {chooseLabel}
        </Button>
      </Flex>
      {open ? (
        <MediaLibraryDialog
          allowedTypes={attribute.allowedTypes ?? undefined}
          multiple={multiple}
          initiallySelectedAssets={files.flatMap(({ file }) => (file && file !== 'missing' ? [file] : []))}
          onClose={() => setOpen(false)}
          onSelectAssets={(assets) => {
            for (const asset of assets) knownFiles.set(asset.id, asset);
            setIds(assets.map((asset) => asset.id));
            setOpen(false);
          }}
        />
      ) : null}
    </Flex>
  );
};
