import { DesignSystemProvider } from '@strapi/design-system';
import type { ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { IntlProvider } from 'react-intl';

import { adminIntl } from './admin-intl';

/**
 * An admin element rendered to HTML with the admin's messages in `locale` (a missing id throws) inside the design
 * system's provider; `text` is what a reader sees: tags out, common entities decoded, spaces collapsed.
 */
export const renderAdmin = (locale: 'en' | 'fr', element: ReactElement): { html: string; text: string } => {
  const html = renderToString(
    <IntlProvider
      locale={locale}
      messages={adminIntl(locale).messages as Record<string, string>}
      onError={(error) => {
        throw error;
      }}
    >
      <DesignSystemProvider locale={locale}>{element}</DesignSystemProvider>
    </IntlProvider>
  );
  const text = html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
  return { html, text };
};
