/**
 * What the plugin does to strapi::cors's config (docs/sdk.md, "A site on another origin: CORS"): the
 * default list gains the SDK's headers; an app's own list is left as written, with what it misses.
 */
import { corsConfigWithPluginHeaders, missingCorsHeaders } from '../../server/src/platform/cors';

describe('corsConfigWithPluginHeaders', () => {
  it("adds the SDK's headers to Strapi's default list when the app set none", () => {
    expect(corsConfigWithPluginHeaders(undefined).config.headers).toEqual([
      'Content-Type',
      'Authorization',
      'Origin',
      'Accept',
      'x-personalize-signals',
      'x-personalize-visitor',
      'x-personalize-variant',
    ]);
    const { config, missing } = corsConfigWithPluginHeaders({ origin: ['https://example.com'] });
    expect(config.origin).toEqual(['https://example.com']);
    expect(config.headers).toContain('x-personalize-visitor');
    expect(missing).toEqual([]);
  });

  it("leaves an app's own list as written and names what it misses", () => {
    const own = { headers: ['Content-Type', 'X-Personalize-Signals'] };
    expect(corsConfigWithPluginHeaders(own)).toEqual({
      config: { ...own, expose: ['Retry-After'] },
      missing: ['x-personalize-visitor', 'x-personalize-variant'],
    });
  });

  it('exposes Retry-After (the SDK waits as long as the server asks) unless the app set its own expose list', () => {
    expect(corsConfigWithPluginHeaders(undefined).config.expose).toEqual(['Retry-After']);
    const own = { expose: ['X-Request-Id'], headers: '*' };
    expect(corsConfigWithPluginHeaders(own).config).toBe(own);
  });

  it('reads a comma-separated string and a wildcard', () => {
    expect(missingCorsHeaders('Content-Type, x-personalize-visitor,x-personalize-variant ,x-personalize-signals')).toEqual([]);
    expect(missingCorsHeaders('Content-Type')).toHaveLength(3);
    expect(missingCorsHeaders(['*'])).toEqual([]);
  });
});
