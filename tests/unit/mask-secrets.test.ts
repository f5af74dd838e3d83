import { maskedForDisplay } from '../../admin/src/pages/settingsView';
import { maskSecrets, maskUrlSecrets, SECRET_MASK } from '../../contracts/src/secrets';
import { pluginConfigSchema } from '../../server/src/config/schema';
import { maskConfig } from '../../server/src/platform/settings-controller';

const M = SECRET_MASK;

describe('maskUrlSecrets', () => {
  it.each([
    // Userinfo: user and password.
    ['redis://user:hunter2@cache:6379/0', `redis://${M}:${M}@cache:6379/0`],
    ['redis://:hunter2@cache:6379', `redis://:${M}@cache:6379`],
    ['redis://default@cache:6379', `redis://${M}@cache:6379`],
    ['rediss://us%40er:p%40ss@cache.example:6380/2', `rediss://${M}:${M}@cache.example:6380/2`],
    // A password with a raw "@": the userinfo ends at the authority's last one.
    ['redis://:p@ss@cache:6379', `redis://:${M}@cache:6379`],
    // Query parameters named like a secret (case-insensitive, substring), the others as written.
    ['redis://cache:6379/0?password=hunter2', `redis://cache:6379/0?password=${M}`],
    ['redis://cache:6379/0?db=1&Password=hunter2&family=6', `redis://cache:6379/0?db=1&Password=${M}&family=6`],
    ['redis://cache:6379?pass=a&sentinelPassword=b&auth=c&AUTH_TOKEN=d', `redis://cache:6379?pass=${M}&sentinelPassword=${M}&auth=${M}&AUTH_TOKEN=${M}`],
    ['https://site.example/preview?secret=s&apiKey=k&slug={documentId}', `https://site.example/preview?secret=${M}&apiKey=${M}&slug={documentId}`],
    ['https://site.example/cb#access_token=abc&state=1', `https://site.example/cb#access_token=${M}&state=1`],
    ['https://site.example/p?pass%77ord=x', `https://site.example/p?pass%77ord=${M}`],
    ['https://u:p@site.example/p?token=t#key=k', `https://${M}:${M}@site.example/p?token=${M}#key=${M}`],
    // Nothing secret: unchanged, templates included.
    ['redis://cache:6379/0', 'redis://cache:6379/0'],
    ['https://site.example/{locale}/articles/{documentId}?variant={variant}', 'https://site.example/{locale}/articles/{documentId}?variant={variant}'],
    ['https://site.example/@user/profile?password=', 'https://site.example/@user/profile?password='],
  ])('%s', (url, expected) => {
    expect(maskUrlSecrets(url)).toBe(expected);
    // Idempotent: masking twice changes nothing more.
    expect(maskUrlSecrets(expected)).toBe(expected);
  });
});

describe('maskSecrets (the settings route) and maskedForDisplay (the settings page)', () => {
  it('masks every URL and every secret setting of the active configuration, at any depth', () => {
    const config = pluginConfigSchema.parse({
      redis: { url: 'redis://admin:u-s3cret@redis.internal:6379/0?password=q-s3cret&db=0' },
      webhookSecret: 'a-very-secret-webhook-key',
      visitors: { secret: 'a-long-visitor-id-secret' },
      previewUrl: 'https://site.example/api/preview?secret=p-s3cret&slug={documentId}',
    });
    const masked = maskConfig(config) as unknown as Record<string, Record<string, unknown>>;
    const text = JSON.stringify(masked);
    for (const secret of ['admin', 'u-s3cret', 'q-s3cret', 'a-very-secret-webhook-key', 'a-long-visitor-id-secret', 'p-s3cret']) {
      expect(text).not.toContain(secret);
    }
    expect(masked.redis.url).toBe(`redis://${M}:${M}@redis.internal:6379/0?password=${M}&db=0`);
    expect(masked.redis.keyPrefix).toBe('pz:');
    expect(masked.previewUrl).toBe(`https://site.example/api/preview?secret=${M}&slug={documentId}`);
    expect(masked.webhookSecret).toBe(M);
    expect(masked.visitors).toMatchObject({ secret: M, consent: 'opt-in' });
    expect(masked.rateLimit).toEqual(config.rateLimit);
  });

  it('masks URLs in arrays and nested secret keys (cluster nodes, their options)', () => {
    expect(
      maskSecrets({
        redis: {
          cluster: { nodes: ['redis://:n1@10.0.0.1:7000', 'redis://10.0.0.2:7000?password=n2', '10.0.0.3:7000'], redisOptions: { password: 'n3' } },
        },
        metrics: { token: 'm' },
      })
    ).toEqual({
      redis: {
        cluster: { nodes: [`redis://:${M}@10.0.0.1:7000`, `redis://10.0.0.2:7000?password=${M}`, '10.0.0.3:7000'], redisOptions: { password: M } },
      },
      metrics: { token: M },
    });
  });

  it('the page masks again what the server left unmasked', () => {
    expect(maskedForDisplay('redis.url', 'redis://cache:6379/0?password=hunter2')).toBe(`redis://cache:6379/0?password=${M}`);
    expect(maskedForDisplay('previewUrl', 'https://site.example/p?token=t&slug={documentId}')).toBe(`https://site.example/p?token=${M}&slug={documentId}`);
    expect(maskedForDisplay('redis.url', `redis://user:${M}@cache:6379/0?auth=x`)).toBe(`redis://${M}:${M}@cache:6379/0?auth=${M}`);
  });
});
