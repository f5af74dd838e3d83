import Bowser from 'bowser';
import { LRUCache } from 'lru-cache';

import type { Signals } from '../../../contracts/src/signals/schema';

type ContextSignals = NonNullable<Signals['context']>;
type TimeSignals = NonNullable<Signals['time']>;

/** Facts about the request that the server trusts more than anything the client says. */
export interface RequestFacts {
  userAgent?: string;
  /** Value of the configured trusted country header, if any. */
  country?: string;
  /** The locale the request asked for (body or query), else Accept-Language. */
  locale?: string;
  acceptLanguage?: string;
  /** The `ECT` client hint (effective connection type). */
  ect?: string;
  /** `Save-Data: on`. */
  saveData?: boolean;
  now: number;
}

interface UserAgentFacts {
  device?: ContextSignals['device'];
  os?: string;
  browser?: string;
}

const BOT_PATTERN = /bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|lighthouse|headless|curl|wget|python-requests|httpclient/i;
const DEVICE_BY_PLATFORM: Record<string, UserAgentFacts['device']> = {
  mobile: 'mobile',
  tablet: 'tablet',
  desktop: 'desktop',
  tv: 'desktop',
  bot: 'bot',
};

// Parsing a User-Agent costs far more than a lookup, and a site sees few distinct ones.
const userAgents = new LRUCache<string, UserAgentFacts>({ max: 2000 });

export const parseUserAgent = (userAgent: string): UserAgentFacts => {
  let facts = userAgents.get(userAgent);
  if (!facts) {
    const parsed = Bowser.parse(userAgent);
    const device = BOT_PATTERN.test(userAgent) ? 'bot' : DEVICE_BY_PLATFORM[parsed.platform.type ?? ''];
    facts = {};
    if (device) facts.device = device;
    if (parsed.os.name) facts.os = parsed.os.name;
    if (parsed.browser.name) facts.browser = parsed.browser.name;
    userAgents.set(userAgent, facts);
  }
  return facts;
};

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const offsets = new Map<string, { offsetMs: number; validUntil: number }>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset of a time zone from UTC at `now`. Every zone's offset is a multiple of 15 minutes and
 * changes only on such a boundary, so one computation holds until the next quarter hour.
 */
const zoneOffset = (timeZone: string, now: number): number => {
  const cached = offsets.get(timeZone);
  if (cached && now < cached.validUntil && now >= cached.validUntil - QUARTER_HOUR_MS) return cached.offsetMs;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(now)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const localAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  const offsetMs = localAsUtc - Math.floor(now / 60000) * 60000;
  offsets.set(timeZone, { offsetMs, validUntil: Math.floor(now / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS });
  return offsetMs;
};

/** time.* in the given zone. 1970-01-01 was a Thursday (weekday 4). */
export const timeSignals = (now: number, timeZone: string): TimeSignals => {
  const local = now + zoneOffset(timeZone, now);
  const hour = Math.floor(local / 3_600_000) % 24;
  const weekday = (Math.floor(local / 86_400_000) + 4) % 7;
  return { hour, weekday, isWeekend: weekday === 0 || weekday === 6, timestamp: now };
};

const firstLanguageTag = (acceptLanguage: string | undefined): string | undefined => {
  if (!acceptLanguage) return undefined;
  const [first] = acceptLanguage.split(',');
  const tag = first?.split(';')[0]?.trim();
  return tag && tag !== '*' && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
};

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

const utmFromUrl = (url: string | undefined): ContextSignals['utm'] | undefined => {
  if (!url) return undefined;
  let params: URLSearchParams;
  try {
    params = new URL(url, 'http://relative.invalid').searchParams;
  } catch {
    return undefined;
  }
  const utm: NonNullable<ContextSignals['utm']> = {};
  for (const key of UTM_KEYS) {
    const value = params.get(`utm_${key}`);
    if (value) utm[key] = value.slice(0, 256);
  }
  return Object.keys(utm).length > 0 ? utm : undefined;
};

/**
 * The signals a condition sees: the client's, with every server-derived key replaced by what the
 * server knows (device, OS and browser from the User-Agent, country from the trusted header only,
 * locale/language from the request, time in the visitor's zone). A client value for a server key
 * is dropped even when the server cannot derive one, so clients can never impersonate it.
 */
const NETWORK_TYPES = new Set(['slow-2g', '2g', '3g', '4g']);

export const mergeSignals = (client: Signals, facts: RequestFacts, defaultTimezone: string): Signals => {
  const clientContext = client.context ?? {};
  const {
    device: _device,
    os: _os,
    browser: _browser,
    country: _country,
    locale: _locale,
    language: _language,
    ...clientOwned
  } = clientContext;
  const context: ContextSignals = { ...clientOwned };

  if (facts.userAgent) Object.assign(context, parseUserAgent(facts.userAgent));
  if (facts.country && /^[A-Za-z]{2}$/.test(facts.country) && facts.country.toUpperCase() !== 'XX') {
    context.country = facts.country.toUpperCase();
  }
  const locale = facts.locale ?? firstLanguageTag(facts.acceptLanguage);
  if (locale) {
    context.locale = locale;
    context.language = locale.split('-')[0].toLowerCase();
  }
  const utm = utmFromUrl(clientOwned.url);
  if (utm) context.utm = { ...clientOwned.utm, ...utm };
  // The browser's own hints, when it sends them, are better than what a script measured.
  const ect = facts.ect?.toLowerCase();
  if (ect && NETWORK_TYPES.has(ect)) context.network = ect as ContextSignals['network'];
  if (facts.saveData) context.saveData = true;

  // profile.* and experiments.* are the server's (the visitor's stored profile and assignments):
  // what a client sends for them is dropped, and the pipeline adds the real ones.
  const { profile: _profile, experiments: _experiments, ...clientRest } = client;
  return {
    ...clientRest,
    context,
    time: timeSignals(facts.now, clientOwned.timezone ?? defaultTimezone),
  };
};

/**
 * Sample signals as an editor types them in the live test panel: taken as given (an editor tests
 * "mobile" without a phone), with the time.* keys they leave out filled in from now.
 */
export const withCurrentTime = (signals: Signals, defaultTimezone: string, now = Date.now()): Signals => ({
  ...signals,
  time: { ...timeSignals(now, signals.context?.timezone ?? defaultTimezone), ...signals.time },
});
