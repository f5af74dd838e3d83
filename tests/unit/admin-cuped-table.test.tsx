/**
 * CUPED beside the raw results (admin/src/pages/experiments/CupedTable.tsx), rendered to HTML in English and French:
 * raw and adjusted lifts and sequential intervals, the variance reduction, the case without a covariate, and nothing
 * when CUPED is off.
 */
import type { ExperimentResult } from '../../contracts/src/experiments';
import { useT } from '../../admin/src/experiments/i18n';
import { CupedTable } from '../../admin/src/pages/experiments/CupedTable';
import { renderAdmin } from '../helpers/admin-render';

const row = (arm: string, cuped: ExperimentResult['cuped']): ExperimentResult => ({
  goal: 'checkout',
  arm,
  baseline: 'control',
  relative: { lift: 0.12, ci: [-0.05, 0.29], pValue: 0.17 },
  absolute: { lift: 0.012, ci: [-0.005, 0.029], pValue: 0.17 },
  sequential: { ci: [-0.2, 0.44], pValue: 0.5 },
  chanceToWin: 0.91,
  ...(cuped !== undefined ? { cuped } : {}),
});

const adjusted: ExperimentResult['cuped'] = {
  adjusted: true,
  theta: 0.4312,
  varianceReduction: 0.36,
  relative: { lift: 0.1, ci: [0.01, 0.19], pValue: 0.03 },
  sequential: { ci: [-0.08, 0.28], pValue: 0.4 },
  chanceToWin: 0.985,
};

const Table = ({ rows }: { rows: ExperimentResult[] }) => (
  <CupedTable goal="checkout" rows={rows} kind="conversion" labelOf={(key) => (key === 'offer' ? 'Month free' : key)} t={useT()} />
);

const render = (locale: 'en' | 'fr', rows: ExperimentResult[]) => renderAdmin(locale, <Table rows={rows} />).text;

describe('CupedTable', () => {
  it('shows raw and adjusted side by side with the variance reduction, in English', () => {
    const text = render('en', [row('control', undefined), row('offer', adjusted), row('other', { ...adjusted, adjusted: false, theta: 0, varianceReduction: 0 })]);
    expect(text).toContain('Arm (CUPED: pre-exposure adjusted)');
    expect(text).toContain('Month free 12% 10% -20% to 44% -8% to 28% 36% fewer visitors for the same precision');
    expect(text).toContain('none: no visitor did the goal before exposure');
  });

  it('says the same in French', () => {
    const text = render('fr', [row('offer', adjusted)]);
    expect(text).toContain('Bras (CUPED : ajusté sur l’avant-exposition)');
    expect(text).toContain('Réduction de variance');
    expect(text).toMatch(/36\s?% de visiteurs en moins pour la même précision/);
  });

  it('shows nothing when CUPED is off, and no data when there is no adjusted result', () => {
    expect(render('en', [row('offer', undefined)]).trim()).toBe('');
    expect(render('en', [row('offer', null)])).toContain('not enough data');
  });
});
