/**
 * The admin's pure logic for frequency caps, visitor ids, the live test's explanations and the
 * Visitors page: caps read as sentences, visitor ids checked as the server does, reason entries
 * in words (en and fr), and the visitor export turned into table rows.
 */
import { VISITOR_ID_PATTERN } from '../../contracts/src/ids';
import type { ReasonEntry } from '../../contracts/src/reason';
import { variantSchema } from '../../contracts/src/variants/schema';
import { explain } from '../../engine/src';
import type { VisitorProfile } from '../../engine/src/profile/types';
import {
  capRows,
  eventRows,
  exposureRows,
  interestRows,
  lookupState,
  relativeTime,
  sessionOf,
  splitCapKey,
  suppressionText,
} from '../../admin/src/pages/visitors/visitorView';
import { capMaxProblem, capSentence, capsSummary, CAP_EVENTS, CAP_WINDOWS, nextCap, withCaps } from '../../admin/src/rules/caps';
import { describeMissing, describeReason, ruleAt, type ReasonContext } from '../../admin/src/rules/reasons';
import type { VisitorExport } from '../../admin/src/api';
import { getTranslation } from '../../admin/src/utils/getTranslation';
import { describeVisitorIdProblem, visitorIdProblem } from '../../admin/src/utils/visitorId';
import { adminIntl } from '../helpers/admin-intl';

const EN = adminIntl('en').formatMessage;
const FR = adminIntl('fr').formatMessage;

describe('frequency caps in words', () => {
  it.each([
    [{ on: 'serve', max: 2, per: 'day' }, 'at most 2 serves per day', 'au plus 2 diffusions par jour'],
    [{ on: 'view', max: 1, per: 'lifetime' }, 'at most 1 view ever', 'au plus 1 vue au total'],
    [{ on: 'click', max: 3, per: 'session' }, 'at most 3 clicks per session', 'au plus 3 clics par session'],
    [{ on: 'dismiss', max: 1, per: 'week' }, 'at most 1 dismissal per week', 'au plus 1 fermeture par semaine'],
    [{ on: 'view', max: 100, per: 'hour' }, 'at most 100 views per hour', 'au plus 100 vues par heure'],
  ] as const)('%j reads "%s" ("%s")', (cap, english, french) => {
    expect(capSentence(cap, EN)).toBe(english);
    expect(capSentence(cap, FR)).toBe(french);
  });

  it('offers every event and window of the contract', () => {
    expect([...CAP_EVENTS]).toEqual(['view', 'serve', 'click', 'dismiss']);
    expect([...CAP_WINDOWS]).toEqual(['session', 'hour', 'day', 'week', 'lifetime']);
    for (const on of CAP_EVENTS) for (const per of CAP_WINDOWS) expect(capSentence({ on, max: 2, per }, EN)).toMatch(/^at most 2 \w+ (per \w+|ever)$/);
  });

  it('summarizes a variant’s caps in one line for its card', () => {
    const caps = [
      { on: 'serve', max: 2, per: 'day' },
      { on: 'view', max: 1, per: 'lifetime' },
    ] as const;
    expect(capsSummary([...caps], EN)).toBe('at most 2 serves per day; at most 1 view ever');
    expect(capsSummary([...caps], FR)).toBe('au plus 2 diffusions par jour ; au plus 1 vue au total');
    expect(capsSummary(undefined, EN)).toBe('');
  });

  it('checks the maximum as the server does (a whole number from 1 to 100)', () => {
    for (const max of [1, 7, 100]) {
      expect(capMaxProblem(max, EN)).toBeNull();
      expect(variantSchema.safeParse({ id: 'a', name: 'A', caps: [{ on: 'view', max, per: 'day' }] }).success).toBe(true);
    }
    for (const max of [0, 101, 2.5, Number.NaN, undefined]) {
      expect(capMaxProblem(max, EN)).toBe('Enter a whole number from 1 to 100');
      expect(variantSchema.safeParse({ id: 'a', name: 'A', caps: [{ on: 'view', max, per: 'day' }] }).success).toBe(false);
    }
    expect(capMaxProblem(0, FR)).toBe('Saisissez un nombre entier de 1 à 100');
  });

  it('adds rows that differ from the ones there, and drops the key when none is left', () => {
    expect(nextCap([])).toEqual({ on: 'view', max: 3, per: 'day' });
    expect(nextCap([{ on: 'serve', max: 1, per: 'day' }])).toEqual({ on: 'view', max: 3, per: 'day' });
    expect(nextCap([{ on: 'view', max: 3, per: 'day' }])).toEqual({ on: 'view', max: 3, per: 'session' });
    const variant = { id: 'a', name: 'A', enabled: true, overrides: {}, caps: [{ on: 'view' as const, max: 1, per: 'day' as const }] };
    expect(withCaps(variant, [])).toEqual({ id: 'a', name: 'A', enabled: true, overrides: {} });
    expect('caps' in withCaps(variant, [])).toBe(false);
    expect(withCaps(variant, variant.caps).caps).toEqual(variant.caps);
  });
});

describe('visitor ids, checked in place', () => {
  it.each(['abcdefghijklmnop', 'vis_0123456789abcdef0123456789abcdef', 'A-b_C-d_E-f_G-h_I', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(visitorIdProblem(id)).toBeNull();
    expect(VISITOR_ID_PATTERN.test(id)).toBe(true);
  });

  it('leaves an empty field alone (the visitor id is optional)', () => {
    expect(visitorIdProblem('')).toBeNull();
  });

  it.each([
    ['short', 'Too short: 5 characters, a visitor id has 16 to 64', 'Trop court : 5 caractères, un identifiant de visiteur en compte de 16 à 64'],
    ['x'.repeat(65), 'Too long: 65 characters, a visitor id has 16 to 64', 'Trop long : 65 caractères, un identifiant de visiteur en compte de 16 à 64'],
    ['abc def.ghijklmnopq', 'Only letters A–Z and a–z, digits, "_" and "-" are allowed (not ␠ .)', 'Seuls les lettres A–Z et a–z, les chiffres, « _ » et « - » sont autorisés (pas ␠ .)'],
    ['é'.repeat(20), 'Only letters A–Z and a–z, digits, "_" and "-" are allowed (not é)', 'Seuls les lettres A–Z et a–z, les chiffres, « _ » et « - » sont autorisés (pas é)'],
  ])('refuses %s: "%s"', (id, english, french) => {
    const problem = visitorIdProblem(id);
    expect(problem).not.toBeNull();
    expect(VISITOR_ID_PATTERN.test(id)).toBe(false);
    expect(describeVisitorIdProblem(problem!, EN)).toBe(english);
    expect(describeVisitorIdProblem(problem!, FR)).toBe(french);
  });
});

describe('the live test’s explanations in words', () => {
  const condition = { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '<': [{ var: 'behavior.dwellSec' }, 10] }] };
  const context = (formatMessage = EN): ReasonContext => ({
    formatMessage,
    variantNames: { v_promo: 'Promo', v_quick: 'Quick exit' },
    conditions: { v_quick: condition },
    audiences: { fast: { '<': [{ var: 'behavior.scrollDepth' }, 25] } },
    audienceNames: { fast: 'Fast readers' },
  });

  it.each([
    [
      { rule: 'capped', variant: 'v_promo', cap: { on: 'view', max: 1, per: 'lifetime' }, count: 1 },
      '"Promo" is capped: at most 1 view ever, and this visitor has 1 view already, so it is passed over.',
      '« Promo » est plafonnée : au plus 1 vue au total, et ce visiteur en est déjà à 1 vue ; elle est donc ignorée.',
    ],
    [
      { rule: 'capped', variant: 'v_gone', cap: { on: 'serve', max: 2, per: 'day' }, count: 3 },
      '"v_gone" is capped: at most 2 serves per day, and this visitor has 3 serves already, so it is passed over.',
      '« v_gone » est plafonnée : au plus 2 diffusions par jour, et ce visiteur en est déjà à 3 diffusions ; elle est donc ignorée.',
    ],
    [
      { rule: 'fatigue', max: 3, served: 3 },
      'Session limit reached: this visitor has had 3 personalized serves this session (at most 3), so the entry is served as published.',
      'Limite par session atteinte : ce visiteur a déjà reçu 3 contenus personnalisés dans cette session (au plus 3) ; l’entrée est donc servie telle que publiée.',
    ],
    [
      { rule: 'profile-unavailable' },
      "The visitor's profile could not be read (the store is unavailable): tested as with an empty profile.",
      'Le profil du visiteur n’a pas pu être lu (stockage indisponible) : test fait avec un profil vide.',
    ],
    [
      { rule: 'missing-signal', variant: 'v_quick', signals: ['behavior.dwellSec', 'profile.interests.travel'] },
      '"Quick exit" was passed over: no value for dwell time, interest in travel, which its comparisons need.',
      '« Quick exit » a été ignorée : aucune valeur pour temps passé, intérêt pour travel, dont ses comparaisons ont besoin.',
    ],
    [{ rule: 'always', result: true }, 'No condition: it always matches.', 'Aucune condition : elle correspond toujours.'],
    [
      { rule: '<', path: ['and', 1], result: true, signals: { 'behavior.dwellSec': 4 } },
      'dwell time < 10 s: true, with dwell time = 4',
      'temps passé < 10 s : vrai, avec temps passé = 4',
    ],
    [
      { rule: '==', path: ['and', 0], result: true, signals: { 'context.device': 'mobile' } },
      'device is mobile: true, with device = mobile',
      'appareil est mobile : vrai, avec appareil = mobile',
    ],
    [
      { rule: '<', path: [], result: true, signals: { 'behavior.scrollDepth': 10 }, audience: 'fast' },
      'In audience "Fast readers": scroll depth < 25 %: true, with scroll depth = 10',
      'Dans l’audience « Fast readers » : profondeur de défilement < 25 % : vrai, avec profondeur de défilement = 10',
    ],
    [{ rule: 'in', path: ['nowhere', 3], result: true }, 'in: true', 'in : vrai'],
  ] as [ReasonEntry, string, string][])('%j', (entry, english, french) => {
    expect(describeReason(entry, 'v_quick', context())).toBe(english);
    expect(describeReason(entry, 'v_quick', context(FR))).toBe(french);
  });

  it('says "capped" for a capped variant', () => {
    const entry: ReasonEntry = { rule: 'capped', variant: 'v_promo', cap: { on: 'serve', max: 1, per: 'session' }, count: 1 };
    expect(describeReason(entry, null, context())).toMatch(/\bcapped\b/);
  });

  it('names the comparison a missing signal made false, from the explain tree', () => {
    const tree = explain(condition as never, { context: { device: 'mobile' } });
    expect(describeMissing(['behavior.dwellSec'], tree, condition, context())).toEqual(['dwell time is unknown, so "dwell time < 10 s" cannot match']);
    expect(describeMissing(['behavior.dwellSec'], tree, condition, context(FR))).toEqual([
      'temps passé : valeur inconnue, donc « temps passé < 10 s » ne peut pas être vrai',
    ]);
    // Without the tree, the signal alone; without anything missing, nothing.
    expect(describeMissing(['behavior.dwellSec'], undefined, condition, context())).toEqual(['dwell time is unknown, so no comparison with it can match']);
    expect(describeMissing([], tree, condition, context())).toEqual([]);
    expect(describeMissing(undefined, tree, condition, context())).toEqual([]);
  });

  it('finds comparisons inside audiences and under "not"', () => {
    const rule = { or: [{ audience: 'fast' }, { '!': { '>': [{ var: 'profile.visits' }, 3] } }] };
    const tree = explain(rule as never, {}, { audiences: context().audiences as never });
    expect(describeMissing(['behavior.scrollDepth', 'profile.visits'], tree, rule, context())).toEqual([
      'scroll depth is unknown, so "scroll depth < 25 %" cannot match',
      'visits is unknown, so "visits > 3" cannot match',
    ]);
  });

  it('reads a rule at an explain path, unary operands included', () => {
    const rule = { and: [{ '!': { '<': [{ var: 'a' }, 1] } }, { or: [true, { '==': [1, 1] }] }] };
    expect(ruleAt(rule, ['and', 1, 'or', 1])).toEqual({ '==': [1, 1] });
    expect(ruleAt(rule, ['and', 0, '!'])).toEqual({ '<': [{ var: 'a' }, 1] });
    expect(ruleAt(rule, ['and', 0, '!', 0])).toEqual({ '<': [{ var: 'a' }, 1] });
    expect(ruleAt(rule, [])).toBe(rule);
    expect(ruleAt(rule, ['or'])).toBeUndefined();
    expect(ruleAt(rule, ['and', 5])).toBeUndefined();
    expect(ruleAt(rule, ['and', 0, '!', 1])).toBeUndefined();
    expect(ruleAt({ constructor: 1 }, ['toString'])).toBeUndefined();
  });
});

describe('the Visitors page’s reading of an export', () => {
  const now = Date.UTC(2025, 5, 10, 12);
  const hour = 3_600_000;
  const profile: VisitorProfile = {
    v: 1,
    firstSeen: now - 3 * 24 * hour,
    lastSeen: now - 10 * 60_000,
    visits: 4,
    session: { id: 's1', startedAt: now - hour, lastSeenAt: now - 10 * 60_000, pageviews: 5, personalizedServes: 2 },
    interests: { travel: { score: 4, at: now - hour }, food: { score: 1, at: now - 2 * hour }, faded: { score: 0.02, at: now - 90 * 24 * hour } },
    quickExits: { score: 1, at: now - hour },
    recentlyViewed: ['doc-2', 'doc-1'],
    caps: {
      'api::article.article:doc-1:v_promo': { view: [now - 2 * hour, now - hour], serve: [now - 3 * hour] },
      'api::article.article:doc-2:v_other': { click: [now - 5 * hour] },
    },
    exposures: { hero: { arm: 'b', at: now - 2 * hour }, old: { arm: 'a', at: now - 48 * hour } },
    consent: { events: true, profiling: true, at: now - 3 * 24 * hour },
    events: [
      { id: 'e1', type: 'page', path: '/pricing', tags: ['pricing'], at: now - 3 * hour, ts: 1 },
      { id: 'e2', type: 'view', uid: 'api::article.article', documentId: 'doc-1', variant: 'v_promo', at: now - 2 * hour, ts: 2 },
      { id: 'e3', type: 'engage', dwellSec: 12, scrollDepth: 80, clicks: 1, quickExit: false, at: now - hour, ts: 3 },
      { id: 'e4', type: 'track', name: 'signup', value: 9.5, props: { plan: 'pro' }, at: now - 30 * 60_000, ts: 4 },
      { id: 'e5', type: 'mystery', ts: now - 20 * 60_000 },
    ],
  };
  const data: VisitorExport = {
    visitor: { hash: 'h'.repeat(22) },
    profile,
    decayed: {
      at: now,
      visits: 4,
      firstSeenDays: 3,
      daysSinceLastVisit: 0,
      interests: { travel: 3.9, food: 0.95 },
      topInterests: ['travel', 'food'],
      quickExits: 0.97,
      recentlyViewed: ['doc-2', 'doc-1'],
    },
    events: profile.events,
    caps: profile.caps,
    consent: profile.consent,
    exposures: profile.exposures,
    suppressed: null,
  };

  it('lists interests highest first, decayed beside stored, with bars relative to the top one', () => {
    expect(interestRows(data)).toEqual([
      { tag: 'travel', score: 3.9, stored: 4, storedAt: now - hour, share: 1 },
      { tag: 'food', score: 0.95, stored: 1, storedAt: now - 2 * hour, share: 0.95 / 3.9 },
      { tag: 'faded', score: 0, stored: 0.02, storedAt: now - 90 * 24 * hour, share: 0 },
    ]);
  });

  it('splits cap keys from the right (a uid has "::") and counts per kind', () => {
    expect(splitCapKey('api::article.article:doc-1:v_promo')).toEqual({ uid: 'api::article.article', documentId: 'doc-1', variant: 'v_promo' });
    expect(splitCapKey('odd')).toEqual({ uid: '', documentId: '', variant: 'odd' });
    expect(capRows(data.caps)).toEqual([
      {
        key: 'api::article.article:doc-1:v_promo',
        uid: 'api::article.article',
        documentId: 'doc-1',
        variant: 'v_promo',
        counts: { view: 2, serve: 1, click: 0, dismiss: 0 },
        last: now - hour,
      },
      {
        key: 'api::article.article:doc-2:v_other',
        uid: 'api::article.article',
        documentId: 'doc-2',
        variant: 'v_other',
        counts: { view: 0, serve: 0, click: 1, dismiss: 0 },
        last: now - 5 * hour,
      },
    ]);
  });

  it('lists events newest first, with what each is about', () => {
    const rows = eventRows(data.events);
    expect(rows.map((row) => [row.id, row.kind, row.subject, row.variant])).toEqual([
      ['e5', 'other', '', null],
      ['e4', 'track', 'signup', null],
      ['e3', 'engage', '', null],
      ['e2', 'view', 'api::article.article · doc-1', 'v_promo'],
      ['e1', 'page', '/pricing', null],
    ]);
    expect(rows[0].type).toBe('mystery');
    expect(rows[1]).toMatchObject({ value: 9.5, props: { plan: 'pro' } });
    expect(rows[2].engage).toEqual({ dwellSec: 12, scrollDepth: 80, clicks: 1, hovers: undefined, quickExit: false });
    expect(rows[4].tags).toEqual(['pricing']);
    expect(eventRows([null, 'x'])).toHaveLength(2);
  });

  it('lists exposures newest first, and tells a profile from an erased visitor from nothing', () => {
    expect(exposureRows(data.exposures).map((row) => row.experiment)).toEqual(['hero', 'old']);
    expect(lookupState(data)).toBe('profile');
    const empty = { ...data, profile: null, decayed: null, events: [], caps: {}, consent: null, exposures: {} };
    expect(lookupState(empty)).toBe('empty');
    expect(lookupState({ ...empty, suppressed: { kind: 'erased', at: now, until: now + 24 * hour } })).toBe('suppressed');
    expect(sessionOf(data)).toMatchObject({ pageviews: 5, personalizedServes: 2, active: true });
    expect(sessionOf({ ...data, decayed: { ...data.decayed!, at: now + hour } })).toMatchObject({ active: false });
    expect(sessionOf(empty)).toBeNull();
  });

  it('says exactly what is left of an erased or opted-out visitor: the marker, no personal data, and until when (en, fr)', () => {
    const t = (format: typeof EN) => (key: string, defaultMessage: string, values?: Record<string, string | number>) =>
      format({ id: getTranslation(`visitors.${key}`), defaultMessage }, values);
    const date = (at: number) => new Date(at).toISOString().slice(0, 10);
    const at = Date.UTC(2026, 0, 5, 10);
    const erased = { kind: 'erased' as const, at, until: at + 24 * hour };
    const optout = { kind: 'optout' as const, at, until: at + 90 * 24 * hour };
    expect(suppressionText('vis_1', erased, t(EN), date)).toEqual({
      title: 'Only a suppression marker is stored for vis_1',
      body: 'It holds no personal data, only that this visitor was erased on 2026-01-05: their events sent before then and still in flight are dropped; later ones start a new profile.',
      kept: 'It is kept until 2026-01-06, then nothing at all is stored.',
    });
    expect(suppressionText('vis_1', optout, t(EN), date)).toMatchObject({
      body: 'It holds no personal data, only that this visitor opted out on 2026-01-05: every event of theirs is dropped while it lasts.',
      kept: 'It is kept until 2026-04-05, then nothing at all is stored.',
    });
    expect(suppressionText('vis_1', { ...optout, until: null }, t(EN), date).kept).toBe(
      'It is kept until someone deletes it; nothing else is stored.'
    );
    expect(suppressionText('vis_1', erased, t(FR), date)).toEqual({
      title: 'Seul un marqueur de suppression est enregistré pour vis_1',
      body: 'Il ne contient aucune donnée personnelle, seulement que ce visiteur a été effacé le 2026-01-05 : ses événements envoyés avant et encore en route sont ignorés ; les suivants commencent un nouveau profil.',
      kept: 'Il est conservé jusqu’au 2026-01-06, puis plus rien n’est enregistré.',
    });
    expect(suppressionText('vis_1', optout, t(FR), date).body).toBe(
      'Il ne contient aucune donnée personnelle, seulement que ce visiteur s’est opposé au suivi le 2026-01-05 : tous ses événements sont ignorés tant qu’il existe.'
    );
  });

  it.each([
    [-30_000, { value: -30, unit: 'second' }],
    [-10 * 60_000, { value: -10, unit: 'minute' }],
    [-3 * hour, { value: -3, unit: 'hour' }],
    [-3 * 24 * hour, { value: -3, unit: 'day' }],
    [-15 * 24 * hour, { value: -2, unit: 'week' }],
    [-400 * 24 * hour, { value: -1, unit: 'year' }],
    [2 * hour, { value: 2, unit: 'hour' }],
  ])('%d ms from now is %j', (offset, expected) => {
    expect(relativeTime(now + offset, now)).toEqual(expected);
  });
});
