import request from 'supertest';

import { assignFactors } from '../../engine/src/experiments';
import { compareArms, type SufficientStats } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, newId, newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * A 2×2 multivariate experiment (docs/experiments.md, "Multivariate") over HTTP on a real Strapi with the embedded
 * store: the server writes the four cells as arms; each visitor gets one level per factor by that factor's own hash
 * (checked against the engine's assignFactors), is served the first matching variant of each level with the
 * overrides merged, keeps their cell, and converts as the test decides. The results' cells, levels, main effects
 * (equal to the A/B comparison of the pooled counts, computed here from the test's own tallies), the interaction
 * (the difference in differences, computed here) and the best cell are checked. Saves that break the rules are 400s.
 */

const HEADLINE = {
  id: 'v_headline',
  name: 'Bold headline',
  enabled: true,
  overrides: { title: 'Bold headline' },
  caps: [{ on: 'view', max: 1, per: 'session' }],
};
const BUTTON = { id: 'v_button', name: 'Strong button', enabled: true, overrides: { cta: 'Buy it now' } };
const GOAL = { event: 'checkout', kind: 'conversion', windowHours: 1 };
const FACTORS = [
  {
    key: 'headline',
    levels: [
      { key: 'plain', variants: [] },
      { key: 'bold', variants: ['v_headline'] },
    ],
  },
  {
    key: 'button',
    levels: [
      { key: 'soft', variants: [] },
      { key: 'strong', variants: ['v_button'] },
    ],
  },
];
const CELLS = ['plain|soft', 'plain|strong', 'bold|soft', 'bold|strong'];
/** Of every 10 visitors of a cell (in the order they came), how many convert: the bold headline helps, strongly with the strong button. */
const CONVERT_PER_TEN: Record<string, number> = { 'plain|soft': 2, 'plain|strong': 3, 'bold|soft': 4, 'bold|strong': 8 };

const pooled = (tallies: Record<string, SufficientStats>, cells: string[]): SufficientStats =>
  cells.reduce(
    (total, cell) => ({
      units: total.units + tallies[cell].units,
      sum: total.sum + tallies[cell].sum,
      sumSquares: total.sumSquares + tallies[cell].sumSquares,
    }),
    { units: 0, sum: 0, sumSquares: 0 }
  );

describe('multivariate experiments (embedded store)', () => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi();
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const admin = (method: 'post' | 'put' | 'get', path: string, body?: object) =>
    request(app.server)[method](path).set('Authorization', `Bearer ${token}`).send(body);

  it('serves one level per factor, merges the overrides, and reports main effects, the interaction and the best cell', async () => {
    const key = `mvt-${Math.random().toString(36).slice(2, 8)}`;
    const article = await createArticle(app.strapi, { title: 'Plain headline', cta: 'Read more', variants: { variants: [HEADLINE, BUTTON] } });
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'Headline × button',
      mode: 'multivariate',
      target: { uid: ARTICLE_UID, documentId: article.documentId },
      factors: FACTORS,
      goal: GOAL,
    });
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    // The server wrote the cells of the full factorial as the arms, with equal weights.
    expect(created.body.data.arms).toEqual(CELLS.map((cell) => ({ key: cell, weight: 0.25, variants: [] })));
    const documentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${documentId}/start`)).status).toBe(200);

    const tallies: Record<string, SufficientStats> = Object.fromEntries(CELLS.map((cell) => [cell, { units: 0, sum: 0, sumSquares: 0 }]));
    const seen: Record<string, number> = Object.fromEntries(CELLS.map((cell) => [cell, 0]));
    const visitors: { visitorId: string; cell: string }[] = [];
    const VISITORS = 240;
    for (let index = 0; index < VISITORS; index += 1) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const response = await resolveFor(app.server, article.documentId, visitorId);
      expect(response.status).toBe(200);
      const meta = response.body.meta.personalize;
      const expected = assignFactors(key, FACTORS, visitorId, 1);
      const [headline, button] = (expected.arm as string).split('|');
      expect(meta.experiments[key]).toEqual({ arm: expected.arm, levels: { headline, button }, reason: 'hash', bucket: expected.bucket });
      // Each factor's level's variant, overrides merged in factor order; the served id joins them with "+".
      const served = [headline === 'bold' ? 'v_headline' : null, button === 'strong' ? 'v_button' : null].filter(Boolean);
      expect(meta.variant).toBe(served.length > 0 ? served.join('+') : null);
      expect(response.body.data.title).toBe(headline === 'bold' ? 'Bold headline' : 'Plain headline');
      expect(response.body.data.cta).toBe(button === 'strong' ? 'Buy it now' : 'Read more');
      expect(meta.reason[0]).toEqual({
        rule: 'experiment',
        experiment: key,
        arm: expected.arm,
        variants: served,
        levels: { headline, button },
      });
      const cell = expected.arm as string;
      visitors.push({ visitorId, cell });
      tallies[cell].units += 1;
      const converts = seen[cell] % 10 < CONVERT_PER_TEN[cell];
      seen[cell] += 1;
      if (converts) {
        await track(app.server, visitorId, [trackEvent('checkout')]);
        tallies[cell].sum += 1;
        tallies[cell].sumSquares += 1;
      }
    }
    // Every cell was reached (240 visitors, 4 equal cells).
    for (const cell of CELLS) expect(tallies[cell].units).toBeGreaterThan(30);

    // Sticky: the cell stays. A view of a merged variant counts for each of its variants' caps: the bold headline's
    // one view per session is used up, so that factor falls back to the entry as published, the other factor stays.
    const bold = visitors.find((visitor) => visitor.cell === 'bold|strong');
    if (!bold) throw new Error('no visitor in bold|strong');
    const view = await request(app.server)
      .post('/api/personalize/events')
      .send(
        batchOf(bold.visitorId, [
          { id: newId(), ts: Date.now(), type: 'view', uid: ARTICLE_UID, documentId: article.documentId, variant: 'v_headline+v_button' },
        ])
      );
    expect([view.status, view.body.error]).toEqual([202, undefined]);
    const again = await eventually(async () => {
      const response = await resolveFor(app.server, article.documentId, bold.visitorId);
      expect(response.body.meta.personalize.variant).toBe('v_button');
      return response;
    });
    expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: 'bold|strong', reason: 'sticky' });
    expect(again.body.meta.personalize.reason).toContainEqual({ rule: 'capped', variant: 'v_headline', cap: HEADLINE.caps[0], count: 1 });
    expect(again.body.data).toMatchObject({ title: 'Plain headline', cta: 'Buy it now' });

    const results = await eventually(async () => {
      const body = (await admin('get', `/personalize/experiments/${documentId}/results`)).body.data;
      expect(body.arms.map((arm: { units: number }) => arm.units)).toEqual(CELLS.map((cell) => tallies[cell].units));
      expect(body.arms.map((arm: { conversions: number }) => arm.conversions)).toEqual(CELLS.map((cell) => tallies[cell].sum));
      return body;
    });
    expect(results.mode).toBe('multivariate');
    expect(results.srm.ok).toBe(true);

    // Main effects: each factor's second level against its first, pooled over the other factor.
    const groups = {
      headline: [
        ['plain|soft', 'plain|strong'],
        ['bold|soft', 'bold|strong'],
      ],
      button: [
        ['plain|soft', 'bold|soft'],
        ['plain|strong', 'bold|strong'],
      ],
    };
    expect(results.factors.map((factor: { key: string }) => factor.key)).toEqual(['headline', 'button']);
    for (const factor of results.factors) {
      const [baseCells, levelCells] = groups[factor.key as 'headline' | 'button'];
      const base = pooled(tallies, baseCells);
      const level = pooled(tallies, levelCells);
      expect(factor.levels.map((entry: { units: number; conversions: number }) => [entry.units, entry.conversions])).toEqual([
        [base.units, base.sum],
        [level.units, level.sum],
      ]);
      expect(factor.levels[0].mean).toBeCloseTo(base.sum / base.units, 12);
      const comparison = compareArms('conversion', base, level);
      if (!comparison.ok) throw new Error('the pooled comparison has no result');
      const [effect] = factor.effects;
      expect(effect.level).toBe(factor.levels[1].key);
      expect(effect.baseline).toBe(factor.levels[0].key);
      expect(effect.relative.lift).toBeCloseTo(comparison.relative.lift, 12);
      expect(effect.relative.ci[0]).toBeCloseTo(comparison.relative.ci[0], 12);
      expect(effect.relative.ci[1]).toBeCloseTo(comparison.relative.ci[1], 12);
      expect(effect.absolute.lift).toBeCloseTo(comparison.absolute.lift, 12);
      expect(effect.sequential.ci[0]).toBeCloseTo(comparison.relative.sequential.ci[0], 12);
      expect(effect.sequential.ci[1]).toBeCloseTo(comparison.relative.sequential.ci[1], 12);
      expect(effect.chanceToWin).toBeCloseTo(comparison.chanceToWin, 12);
    }

    // The interaction: (bold|strong − plain|strong) − (bold|soft − plain|soft), with variance Σ p(1−p)/n.
    const rate = (cell: string) => tallies[cell].sum / tallies[cell].units;
    const estimate = rate('bold|strong') - rate('plain|strong') - (rate('bold|soft') - rate('plain|soft'));
    const standardError = Math.sqrt(CELLS.reduce((total, cell) => total + (rate(cell) * (1 - rate(cell))) / tallies[cell].units, 0));
    expect(results.interactions).toHaveLength(1);
    const [interaction] = results.interactions;
    expect(interaction.factors).toEqual(['headline', 'button']);
    expect(interaction.levels).toEqual(['bold', 'strong']);
    expect(interaction.estimate).toBeCloseTo(estimate, 12);
    // A Welch t interval: centred on the estimate, its half-width between z and t(≈30 df) times the standard error.
    expect((interaction.ci[0] + interaction.ci[1]) / 2).toBeCloseTo(estimate, 12);
    const halfWidth = (interaction.ci[1] - interaction.ci[0]) / 2;
    expect(halfWidth / standardError).toBeGreaterThan(1.959);
    expect(halfWidth / standardError).toBeLessThan(2.05);
    // And the always-valid one the page shows: centred there too, wider than the one-look interval.
    expect((interaction.sequential.ci[0] + interaction.sequential.ci[1]) / 2).toBeCloseTo(estimate, 12);
    expect(interaction.sequential.ci[1] - interaction.sequential.ci[0]).toBeGreaterThan(interaction.ci[1] - interaction.ci[0]);

    // A cell cannot be shipped as an arm's variants: 409 saying why, and the experiment keeps running.
    const shipped = await admin('post', `/personalize/experiments/${documentId}/ship`, { arm: 'bold|strong' });
    expect(shipped.status).toBe(409);
    expect(shipped.body.error).toMatchObject({ name: 'ConflictError', details: { reason: 'multivariate', arm: 'bold|strong' } });
    expect((await admin('get', `/personalize/experiments/${documentId}`)).body.data.status).toBe('running');

    // The best cell: the highest conversion rate.
    const best = [...CELLS].sort((a, b) => rate(b) - rate(a))[0];
    expect(results.bestCell).toEqual({
      arm: best,
      levels: { headline: best.split('|')[0], button: best.split('|')[1] },
      units: tallies[best].units,
      mean: rate(best),
    });
  });

  it('refuses multivariate saves that break the rules with 400s at the right paths', async () => {
    const article = await createArticle(app.strapi, { title: 'Rules', variants: { variants: [HEADLINE, BUTTON] } });
    const target = { uid: ARTICLE_UID, documentId: article.documentId };
    const base = { name: 'Rules', mode: 'multivariate', target, factors: FACTORS, goal: GOAL };
    const expectIssue = async (body: object, path: (string | number)[], message: RegExp) => {
      const response = await admin('post', '/personalize/experiments', { key: `mvt-bad-${Math.random().toString(36).slice(2, 8)}`, ...body });
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('ValidationError');
      const issue = response.body.error.details.errors.find((entry: { path: (string | number)[] }) => entry.path.join('.') === path.join('.'));
      expect({ path, issue }).toEqual({ path, issue: expect.objectContaining({ message: expect.stringMatching(message) }) });
      if (!issue) throw new Error(JSON.stringify(response.body.error));
    };
    const fiveLevels = [{ key: 'a', levels: ['l0', 'l1', 'l2', 'l3', 'l4'].map((level) => ({ key: level, variants: [] })) }];
    await expectIssue({ ...base, factors: fiveLevels }, ['factors', 0, 'levels'], /at most 4 levels/);
    const fourFactors = ['f1', 'f2', 'f3', 'f4'].map((factor) => ({ key: factor, levels: FACTORS[0].levels }));
    await expectIssue({ ...base, factors: fourFactors }, ['factors'], /at most 3 factors/);
    await expectIssue({ ...base, factors: undefined }, ['factors'], /needs factors/);
    await expectIssue({ ...base, target: undefined }, ['target'], /needs a target/);
    await expectIssue({ ...base, factors: [FACTORS[0], { ...FACTORS[1], key: 'headline' }] }, ['factors', 1, 'key'], /duplicate factor key/);
    await expectIssue(
      { ...base, factors: [{ ...FACTORS[0], levels: [FACTORS[0].levels[0], { key: 'bold', variants: ['v_missing'] }] }, FACTORS[1]] },
      ['factors', 0, 'levels', 1, 'variants', 0],
      /no variant "v_missing"/
    );
    await expectIssue({ ...base, arms: [{ key: 'a', weight: 0.5 }, { key: 'b', weight: 0.5 }] }, ['arms'], /cells of its factors/);
    await expectIssue(
      { name: 'AB', target, arms: [{ key: 'a', weight: 0.5 }, { key: 'b', weight: 0.5 }], factors: FACTORS, goal: GOAL },
      ['factors'],
      /only a "multivariate" experiment has factors/
    );

    // Once started, the factors and levels stay (they are the arms); a level's variants may change.
    const created = await admin('post', '/personalize/experiments', { key: `mvt-${Math.random().toString(36).slice(2, 8)}`, ...base });
    expect(created.status).toBe(201);
    const documentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${documentId}/start`)).status).toBe(200);
    const renamed = await admin('put', `/personalize/experiments/${documentId}`, {
      factors: [FACTORS[0], { ...FACTORS[1], levels: [FACTORS[1].levels[0], { key: 'loud', variants: ['v_button'] }] }],
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.details.errors[0].path).toEqual(['factors']);
    const emptied = await admin('put', `/personalize/experiments/${documentId}`, {
      factors: [FACTORS[0], { ...FACTORS[1], levels: [FACTORS[1].levels[0], { key: 'strong', variants: [] }] }],
    });
    expect(emptied.status).toBe(200);
    expect(emptied.body.data.factors[1].levels[1].variants).toEqual([]);
  });
});
