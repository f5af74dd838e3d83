import { createIntl, type MessageDescriptor } from 'react-intl';

import { PLUGIN_ID } from '../pluginId';

export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;

export type { MessageDescriptor };

export type MessageValues = Record<string, string | number | boolean | null | undefined | Date>;

/**
 * What modules outside components take to put words on screen: react-intl's `formatMessage`
 * (`useIntl().formatMessage` in the admin, `createIntl(...).formatMessage` in tests).
 */
export type FormatMessage = (descriptor: MessageDescriptor, values?: MessageValues) => string;

/** English from the descriptors' default messages, for callers that have no `formatMessage` at hand. */
export const defaultFormatMessage: FormatMessage = createIntl({
  locale: 'en',
  defaultLocale: 'en',
  messages: {},
  onError: () => undefined,
}).formatMessage;
