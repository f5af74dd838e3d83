/**
 * The Health page's guardrail banners (admin/src/pages/HealthGuardrailBanners.tsx, healthView guardrailBanners):
 * the server's harmed (experiment, guardrail, arm) list grouped into one red banner per experiment, each harm in
 * words by its direction and a link to that experiment's results, in English and French; nothing without harms.
 */
import { MemoryRouter } from 'react-router-dom';

import type { HealthGuardrail } from '../../contracts/src/admin/health';
import { HealthGuardrailBanners } from '../../admin/src/pages/HealthGuardrailBanners';
import { guardrailBanners } from '../../admin/src/pages/healthView';
import { renderAdmin, quietServerLayoutEffects } from '../helpers/admin-render';

const spring = { key: 'spring', name: 'Spring offer', documentId: 'doc-spring' };
const summer = { key: 'summer', name: 'Summer banner', documentId: 'doc-summer' };
const harms: HealthGuardrail[] = [
  { experiment: spring, guardrail: 'refund', arm: 'offer', direction: 'decrease' },
  { experiment: spring, guardrail: 'engaged', arm: 'bold', direction: 'increase' },
  { experiment: summer, guardrail: 'refund', arm: 'b', direction: 'decrease' },
];

const render = (locale: 'en' | 'fr', guardrails: HealthGuardrail[]) =>
  renderAdmin(
    locale,
    <MemoryRouter>
      <HealthGuardrailBanners guardrails={guardrails} />
    </MemoryRouter>
  );

describe('health page guardrail banners', () => {
  quietServerLayoutEffects();

  it('groups the harms by experiment, in the server’s order', () => {
    expect(guardrailBanners([])).toEqual([]);
    expect(guardrailBanners(harms)).toEqual([
      {
        experiment: spring,
        harms: [
          { guardrail: 'refund', arm: 'offer', direction: 'decrease' },
          { guardrail: 'engaged', arm: 'bold', direction: 'increase' },
        ],
      },
      { experiment: summer, harms: [{ guardrail: 'refund', arm: 'b', direction: 'decrease' }] },
    ]);
  });

  it('draws one danger alert per experiment naming each harm and linking to its results (en)', () => {
    const { html, text } = render('en', harms);
    expect(html.match(/data-testid="health-guardrail-banner-/g)).toHaveLength(2);
    expect(text).toContain('A guardrail is harmed in “Spring offer”');
    expect(text).toContain('Arm offer raises “refund”, which should go down.');
    expect(text).toContain('Arm bold lowers “engaged”, which should go up.');
    expect(text).toContain('A guardrail is harmed in “Summer banner”');
    expect(text).toContain('Arm b raises “refund”, which should go down.');
    expect(html).toContain('href="/plugins/personalize/experiments/doc-spring/results"');
    expect(html).toContain('href="/plugins/personalize/experiments/doc-summer/results"');
    expect(text).toContain('Open the results of “Summer banner”');
    // The design system's danger alerts (role alert, beside the provider's own live region), each with its close button.
    expect(html.match(/role="alert"/g)).toHaveLength(1 + 2);
    expect(text.match(/Close/g)).toHaveLength(2);
  });

  it('says the same in French, and draws nothing without harms', () => {
    const { text } = render('fr', harms.slice(0, 2));
    expect(text).toContain('Un garde-fou est dégradé dans « Spring offer »');
    expect(text).toContain('Le bras offer fait monter « refund », qui devrait baisser.');
    expect(text).toContain('Le bras bold fait baisser « engaged », qui devrait monter.');
    expect(text).toContain('Ouvrir les résultats de « Spring offer »');
    const none = render('en', []);
    expect(none.html).not.toContain('health-guardrail');
    expect(none.text.trim()).toBe('');
  });
});
