/**
 * Masking of secrets in what the settings route and page show (docs/design.md, "Admin API": "active config,
 * secrets masked"). One helper for every URL: the server masks with it, the admin masks again with
 * it in case a value reached it unmasked.
 */

/** What a secret is shown as. */
export const SECRET_MASK = '********';

/** Query (or fragment) parameter names that carry a secret: case-insensitive substrings. */
const SECRET_PARAMETER = /pass|auth|token|secret|key/i;

/** Config keys whose whole value is a secret (`webhookSecret`, `visitors.secret`, a `password`, a `token`). */
const SECRET_SETTING = /secret|password|token/i;

/** `scheme://` then the authority, up to the first `/`, `?` or `#` (as Node's and ioredis's URL parsers split it). */
const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** Starts like a URL with an authority (`redis://`, `https://`, ...). */
export const looksLikeUrl = (value: string): boolean => AUTHORITY.test(value);

const decodedName = (name: string): string => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
};

/** `name=value` pairs after a `?` or `#`, separated by `&` or `;`: values of secret names masked. */
const maskParameters = (text: string): string =>
  text.replace(/([?#&;])([^=&;#?]*)=([^&;#]*)/g, (whole, separator: string, name: string, value: string) =>
    value !== '' && SECRET_PARAMETER.test(decodedName(name)) ? `${separator}${name}=${SECRET_MASK}` : whole
  );

/**
 * The URL with every secret in it replaced by the mask, the rest exactly as written (so a template's
 * `{placeholders}` survive): the userinfo (user and password) and the values of query and fragment
 * parameters named like `password`, `pass`, `auth`, `token`, `secret` or `key`. Idempotent.
 */
export const maskUrlSecrets = (url: string): string => {
  let masked = url;
  const authority = AUTHORITY.exec(url);
  if (authority) {
    const [whole, scheme, hostPart] = authority;
    // The userinfo ends at the authority's last `@` (a password may contain one).
    const at = hostPart.lastIndexOf('@');
    if (at !== -1) {
      const userinfo = hostPart.slice(0, at);
      const colon = userinfo.indexOf(':');
      const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
      const maskedUserinfo = `${user ? SECRET_MASK : ''}${colon === -1 ? '' : `:${SECRET_MASK}`}`;
      masked = `${scheme}${maskedUserinfo}@${hostPart.slice(at + 1)}${url.slice(whole.length)}`;
    }
  }
  const start = masked.search(/[?#]/);
  return start === -1 ? masked : masked.slice(0, start) + maskParameters(masked.slice(start));
};

/**
 * A configuration value with its secrets masked, at any depth: the value of a key named like a
 * secret entirely, and every URL (in a string, or in an array such as cluster nodes) by
 * `maskUrlSecrets`.
 */
export const maskSecrets = (value: unknown, key = ''): unknown => {
  if (SECRET_SETTING.test(key) && (typeof value === 'number' || (typeof value === 'string' && value !== ''))) return SECRET_MASK;
  if (typeof value === 'string') return looksLikeUrl(value) ? maskUrlSecrets(value) : value;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, maskSecrets(item, name)]));
  }
  return value;
};
