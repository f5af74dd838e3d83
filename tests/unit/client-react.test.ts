/**
 * `strapi-plugin-personalize/client/react` on a server (no DOM): what server rendering shows. The
 * hook's browser side (resolve, loading, error) is tested in Chromium: tests/e2e/sdk.test.ts.
 */
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';

import { createPersonalize } from '../../client/src';
import { PersonalizeProvider, usePersonalize, usePersonalized } from '../../client/src/react';

const Title = ({ initialData }: { initialData?: { title: string } }) => {
  const { data, variant, loading, error } = usePersonalized<{ title: string }>({
    uid: 'api::article.article',
    documentId: 'doc1',
    initialData,
    initialVariant: initialData ? 'v_sale' : undefined,
  });
  return h('h1', { 'data-variant': String(variant) }, loading ? 'loading' : error ? 'error' : data?.title);
};

describe('client/react on a server', () => {
  it('renders the entry the server resolved (initialData), without fetching', () => {
    const fetch = jest.fn();
    const html = renderToString(
      h(
        PersonalizeProvider,
        { options: { baseUrl: 'https://cms.example.com', visitorId: 'abcdefghijklmnop', fetch } },
        h(Title, { initialData: { title: 'Ten percent off' } })
      )
    );
    expect(html).toBe('<h1 data-variant="v_sale">Ten percent off</h1>');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows loading until the browser resolves, and shares a given client', () => {
    const client = createPersonalize({ baseUrl: 'https://cms.example.com', fetch: jest.fn() });
    let seen: unknown;
    const Probe = () => {
      seen = usePersonalize();
      return null;
    };
    const html = renderToString(h(PersonalizeProvider, { client }, h(Title), h(Probe)));
    expect(html).toBe('<h1 data-variant="null">loading</h1>');
    expect(seen).toBe(client);
  });

  it('asks for a provider', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => renderToString(h(Title))).toThrow(/PersonalizeProvider/);
  });
});
