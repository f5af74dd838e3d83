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

/**
 * In the calling `describe`: React's "useLayoutEffect does nothing on the server" warnings (the design system's
 * dialogs, selects and charts rendered to a string) are not printed; every other console error is.
 */
export const quietServerLayoutEffects = () => {
  const error = console.error;
  beforeAll(() => {
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('useLayoutEffect does nothing on the server')) return;
      error(...args);
    });
  });
  afterAll(() => jest.restoreAllMocks());
};
