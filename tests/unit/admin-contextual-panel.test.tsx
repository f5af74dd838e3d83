/**
 * A contextual experiment's "Learned rules" (admin/src/pages/experiments/ContextualPanel.tsx), rendered to HTML in
 * English and French: the model in force, the rules in words with their JSON-logic, each arm's numbers, the
 * policy's value against an even split, SRM per leaf, a frozen leaf, and Test / Freeze where they apply.
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { renderToString } from 'react-dom/server';
import { IntlProvider } from 'react-intl';
import { MemoryRouter } from 'react-router-dom';

import type { ContextualResults, Experiment } from '../../contracts/src/experiments';
import { useT } from '../../admin/src/experiments/i18n';
import { chartArms } from '../../admin/src/pages/experiments/charts';
import { ContextualPanel } from '../../admin/src/pages/experiments/ContextualPanel';
import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { getTranslation } from '../../admin/src/utils/getTranslation';
import type { JsonValue } from '../../engine/src/types';
import { quietServerLayoutEffects } from '../helpers/admin-render';

jest.mock('@strapi/strapi/admin', () => ({
  useFetchClient: () => ({ get: jest.fn(() => new Promise(() => undefined)), post: jest.fn() }),
  useNotification: () => ({ toggleNotification: jest.fn() }),
}));

const v = (path: string) => ({ var: path });
const segment: JsonValue = { and: [{ '==': [v('context.device'), 'mobile'] }, { '<': [v('profile.visits'), 2] }] };
const returning: JsonValue = { and: [{ '==': [v('context.device'), 'mobile'] }, { '!': { '<': [v('profile.visits'), 2] } }] };

const experiment = (status: Experiment['status']): Experiment => ({
  documentId: 'exp1',
  key: 'plans',
  name: 'Plans',
  status,
  mode: 'contextual',
  traffic: 1,
  target: { uid: 'api::article.article', documentId: 'doc1', locale: 'en' },
  arms: [
    { key: 'control', weight: 0.5, variants: [] },
    { key: 'offer', name: 'Month free', weight: 0.5, variants: ['v_offer'] },
  ],
  goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
  contextual: { attributes: [{ path: 'context.device' }, { path: 'profile.visits', cuts: [2, 5] }] },
  startedAt: '2026-12-01T00:00:00.000Z',
  stoppedAt: null,
});

const arm = (key: string, units: number, conversions: number, pBest: number, weight: number) => ({
  key,
  units,
  conversions,
  mean: units ? conversions / units : null,
  pBest,
  weight,
});

const fitted: ContextualResults = {
  modelVersion: 'a1b2c3d4e5f60718',
  fittedAt: '2026-12-02T10:00:00.000Z',
  attributes: [{ path: 'context.device' }, { path: 'profile.visits', cuts: [2, 5] }],
  leaves: [
    { id: 'leaf-seg', condition: segment, units: 120, arms: [arm('control', 60, 6, 0.01, 0.05), arm('offer', 60, 30, 0.99, 0.95)], srm: { pValue: 0.4, ok: true } },
    {
      id: 'leaf-ret',
      condition: returning,
      units: 120,
      arms: [arm('control', 80, 40, 0.98, 0.9), arm('offer', 40, 4, 0.02, 0.1)],
      srm: { pValue: 0.00002, ok: false },
      frozenVariantId: 'v_frozen_ret',
    },
    { id: 'leaf-rest', condition: true, units: 240, arms: [arm('control', 120, 60, 0.97, 0.9), arm('offer', 120, 12, 0.03, 0.1)], srm: { pValue: null, ok: true } },
  ],
  policy: { value: 0.41, ci: [0.36, 0.46], uniform: 0.3, uniformCi: [0.26, 0.34], units: 480 },
  history: [
    { version: 'initial', at: '2026-12-01T00:00:00.000Z', leaves: [{ id: 'leaf-root', condition: true, weights: [0.5, 0.5], pBest: [0.5, 0.5], units: 0 }] },
    {
      version: 'a1b2c3d4e5f60718',
      at: '2026-12-02T10:00:00.000Z',
      leaves: [
        { id: 'leaf-seg', condition: segment, weights: [0.05, 0.95], pBest: [0.01, 0.99], units: 120 },
        { id: 'leaf-ret', condition: returning, weights: [0.9, 0.1], pBest: [0.98, 0.02], units: 120 },
        { id: 'leaf-rest', condition: true, weights: [0.9, 0.1], pBest: [0.97, 0.03], units: 240 },
      ],
    },
  ],
};

const notFitted: ContextualResults = {
  ...fitted,
  modelVersion: null,
  fittedAt: null,
  leaves: [{ id: 'leaf-root', condition: true, units: 10, arms: [arm('control', 5, 1, 0.5, 0.5), arm('offer', 5, 1, 0.5, 0.5)], srm: { pValue: null, ok: true } }],
  policy: { value: null, ci: null, uniform: null, uniformCi: null, units: 10 },
  history: fitted.history.slice(0, 1),
};

type Props = Omit<Parameters<typeof ContextualPanel>[0], 't' | 'arms' | 'onChanged'>;
const Panel = (props: Props) => (
  <ContextualPanel {...props} arms={chartArms(props.experiment.arms)} onChanged={() => Promise.resolve()} t={useT()} />
);

const render = (locale: 'en' | 'fr', props: Props) => {
  const messages = Object.fromEntries(Object.entries((locale === 'en' ? en : fr) as Record<string, string>).map(([key, value]) => [getTranslation(key), value]));
  const html = renderToString(
    <IntlProvider
      locale={locale}
      messages={messages}
      onError={(error) => {
        throw error;
      }}
    >
      <DesignSystemProvider locale={locale}>
        <MemoryRouter>
          <Panel {...props} />
        </MemoryRouter>
      </DesignSystemProvider>
    </IntlProvider>
  );
  // The text as read: tags out, entities decoded, spaces collapsed.
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
};

describe('the learned rules', () => {
  quietServerLayoutEffects();

  it('reads the model, each rule in words with its JSON-logic, and its arms', () => {
    const text = render('en', { experiment: experiment('running'), contextual: fitted, canManage: true });
    expect(text).toContain('Model a1b2c3d4e5f60718, fitted');
    expect(text).toContain('3 rules, read from the top');
    expect(text).toContain('Rule 1: device is mobile and visits below 2');
    expect(text).toContain('Rule 2: device is mobile and visits 2 or more, or not known');
    expect(text).toContain('Rule 3: every other visitor');
    expect(text).toContain('120 visitors while in this rule · best arm: Month free (P(best) 99%)');
    expect(text).toContain('"var": "context.device"');
    expect(text).toContain('Splits on: context.device, profile.visits (2, 5)');
    // Each arm: visitors, conversions, rate, P(best), weight.
    expect(text).toMatch(/Month free 60 30 50% 99% 95%/);
    expect(text).toContain(
      'Serving by these rules earns about 41% per visitor (95% interval 36% to 46%); giving every arm the same share would earn 30% (95% interval 26% to 34%). Estimated from 480 visitors'
    );
  });

  it('flags a rule whose split is off and says a frozen rule’s variant', () => {
    const text = render('en', { experiment: experiment('running'), contextual: fitted, canManage: true });
    expect(text).toContain('Split mismatch');
    expect(text).toContain('are not split as its weights say (p = 2E-5)');
    expect(text).toContain('Frozen as a variant');
    expect(text).toContain('Its visitors get the variant v_frozen_ret and are out of the experiment; delete that variant to give them back. Open the entry');
    // Freeze on the two rules not frozen, Test on all three, Refit for a running experiment.
    expect(text.match(/Freeze as variant rule/g)).toHaveLength(2);
    expect(text.match(/ Test /g)).toHaveLength(3);
    expect(text).toContain('Refit now');
  });

  it('before the first fit: one rule for every visitor, no estimate, no freezing', () => {
    const text = render('en', { experiment: experiment('running'), contextual: notFitted, canManage: true });
    expect(text).toContain('Not fitted yet: every visitor gets the starting weights.');
    expect(text).toContain('Rule 1: every visitor');
    expect(text).toContain('Not enough data yet to estimate what the rules earn against an even split.');
    expect(text).toContain('Freezing needs a fitted model: refit first.');
    expect(text).toContain('This rule is in one model version so far');
  });

  it('without the right to manage, or stopped: no Refit and no Freeze', () => {
    for (const [status, canManage] of [
      ['running', false],
      ['stopped', true],
    ] as const) {
      const text = render('en', { experiment: experiment(status), contextual: fitted, canManage });
      expect(text).not.toContain('Refit now');
      expect(text).not.toContain('Freeze as variant rule');
    }
  });

  it('reads in French', () => {
    const text = render('fr', { experiment: experiment('running'), contextual: fitted, canManage: true });
    expect(text).toContain('Règles apprises');
    expect(text).toContain('Règle 1 : appareil : mobile et nombre de visites : moins de 2');
    expect(text).toContain('Règle 3 : tous les autres visiteurs');
    expect(text).toContain('Figer en règle de variante');
    expect(text).toContain('Répartition faussée');
    expect(text).not.toMatch(/every other visitor|Learned rules|Split mismatch/);
  });
});
