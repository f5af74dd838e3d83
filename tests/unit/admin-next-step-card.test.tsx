/**
 * The results page's "What to do next" card (admin/src/pages/experiments/NextStep.tsx), rendered to HTML in
 * English and French: the step in words, and the Ship button only where shipping is possible.
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { renderToString } from 'react-dom/server';
import { IntlProvider } from 'react-intl';

import type { Experiment } from '../../contracts/src/experiments';
import { useT } from '../../admin/src/experiments/i18n';
import { chartArms } from '../../admin/src/pages/experiments/charts';
import { NextStepCard } from '../../admin/src/pages/experiments/NextStep';
import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { getTranslation } from '../../admin/src/utils/getTranslation';
import { buildResults } from '../../server/src/experiments/results';
import { quietServerLayoutEffects } from '../helpers/admin-render';

jest.mock('@strapi/strapi/admin', () => ({
  useFetchClient: () => ({ post: jest.fn() }),
  useNotification: () => ({ toggleNotification: jest.fn() }),
}));

const STARTED = Date.UTC(2025, 2, 1);

const experiment = (status: Experiment['status'], target: boolean): Experiment => ({
  documentId: 'exp1',
  key: 'cta',
  name: 'CTA',
  status,
  mode: 'ab',
  traffic: 1,
  ...(target ? { target: { uid: 'api::article.article', documentId: 'doc1', locale: 'en' } } : {}),
  arms: [
    { key: 'control', weight: 0.5, variants: [] },
    { key: 'b', name: 'Bold', weight: 0.5, variants: ['v_b'] },
  ],
  goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
  startedAt: new Date(STARTED).toISOString(),
  stoppedAt: null,
});

/** 5,000 visitors per arm, `control` and `b` conversions, read `days` after the start. */
const results = (control: number, b: number, days: number) =>
  buildResults({
    experiment: {
      key: 'cta',
      status: 'running',
      mode: 'ab',
      arms: [
        { key: 'control', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
      goal: { event: 'signup', kind: 'conversion' },
      startedAt: new Date(STARTED).toISOString(),
    },
    cells: [
      { date: '2025-03-01', period: 0, arm: 'control', units: 5000, goals: { signup: { conversions: control, sum: control, sumSquares: control } } },
      { date: '2025-03-01', period: 0, arm: 'b', units: 5000, goals: { signup: { conversions: b, sum: b, sumSquares: b } } },
    ],
    options: { alpha: 0.05, sequentialNStar: 5000, srmThreshold: 0.001 },
    now: STARTED + days * 86_400_000,
    nextBanditUpdateAt: null,
  });

const Card = (props: Omit<Parameters<typeof NextStepCard>[0], 't'>) => <NextStepCard {...props} t={useT()} />;

const render = (locale: 'en' | 'fr', props: Omit<Parameters<typeof NextStepCard>[0], 't' | 'arms' | 'onShipped'>) => {
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
        <Card {...props} arms={chartArms(props.experiment.arms)} onShipped={() => undefined} />
      </DesignSystemProvider>
    </IntlProvider>
  );
  return { html, text: html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
};

describe('the next-step card', () => {
  quietServerLayoutEffects();
  it('offers Ship for a winner of an experiment that targets an entry, to those who manage experiments', () => {
    const winner = results(500, 650, 3);
    const { html, text } = render('en', { experiment: experiment('running', true), results: winner, canManage: true });
    expect(text).toContain('Ship Bold: its always-valid interval lies entirely above 0%');
    expect(html).toContain('data-testid="ship-button"');
    expect(render('en', { experiment: experiment('running', true), results: winner, canManage: false }).html).not.toContain('ship-button');
  });

  it('does not offer Ship for a site-wide experiment, and says why', () => {
    const { html, text } = render('en', { experiment: experiment('running', false), results: results(500, 650, 3), canManage: true });
    expect(html).not.toContain('ship-button');
    expect(text).toContain('This experiment is site-wide');
  });

  it('says how many more visitors, and to resume a paused experiment', () => {
    const { text } = render('en', { experiment: experiment('paused', true), results: results(500, 520, 3), canManage: true });
    expect(text).toContain('The experiment is paused');
    expect(text).toMatch(/Keep running until about [\d,]+ more visitors \([\d,]+ in all\): if the true lift of Bold is the \+4% observed so far/);
    expect(text).toContain('Run at least 7 days in all');
  });

  it('speaks French', () => {
    expect(render('fr', { experiment: experiment('running', true), results: results(500, 650, 3), canManage: true }).text).toContain('Déployer Bold');
    expect(render('fr', { experiment: experiment('running', true), results: results(500, 505, 14), canManage: true }).text).toContain('Envisagez d’arrêter');
  });
});
