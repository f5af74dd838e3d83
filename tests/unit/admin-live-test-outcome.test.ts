/**
 * The live test's wording (issue 20): a visitor in an experiment's control arm is told the entry is
 * served as it is, not "No variant matches" above variants whose badges say they match.
 */
import { createIntl } from 'react-intl';

import type { VariantOutcome, VariantsEvaluation } from '../../admin/src/api';
import { experimentArm, outcomeStatus, resultHeadline } from '../../admin/src/components/TestPanel/outcome';
import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { getTranslation } from '../../admin/src/utils/getTranslation';

const intl = (locale: string, messages: Record<string, string>) =>
  createIntl({ locale, messages: Object.fromEntries(Object.entries(messages).map(([key, value]) => [getTranslation(key), value])) }).formatMessage;
const english = intl('en', en);
const french = intl('fr', fr);

const outcome = (id: string, matched: boolean | null): VariantOutcome => ({ id, name: `Variant ${id}`, enabled: matched !== null, matched, reason: [] });

const evaluation = (patch: Partial<VariantsEvaluation>): VariantsEvaluation => ({
  variant: null,
  forced: false,
  reason: [],
  variants: [outcome('v_a', true), outcome('v_b', true)],
  ...patch,
});

const CONTROL = { rule: 'experiment' as const, experiment: 'hero-test', arm: 'control', variants: [] };

describe('the live test result', () => {
  it('names the variant served', () => {
    expect(resultHeadline(evaluation({ variant: 'v_a' }), english)).toEqual({ title: 'Served:', body: 'Variant v_a (v_a)' });
  });

  it('says no variant matches when none does, outside any experiment', () => {
    const result = evaluation({ variants: [outcome('v_a', false)] });
    expect(resultHeadline(result, english).title).toBe('No variant matches:');
    expect(outcomeStatus(result.variants[0], english, experimentArm(result))).toEqual({ label: 'no match', variant: 'danger' });
  });

  it('in the control arm, says the entry is served as it is, and the matching variants are not in the arm', () => {
    const result = evaluation({
      reason: [CONTROL],
      experiments: { 'hero-test': { name: 'Hero test', arm: 'control', reason: 'hash', bucket: 0.1234 } },
    });
    expect(resultHeadline(result, english)).toEqual({
      title: 'Control arm of experiment “Hero test”:',
      body: 'the entry is served as it is, no variant takes part.',
    });
    expect(result.variants.map((variant) => outcomeStatus(variant, english, experimentArm(result)))).toEqual([
      { label: 'matches, not in arm control', variant: 'secondary' },
      { label: 'matches, not in arm control', variant: 'secondary' },
    ]);
    expect(resultHeadline(result, french).title).toBe('Branche témoin de l’expérience « Hero test » :');
  });

  it('in an arm with variants that do not match, names the arm; its own variants keep their badge', () => {
    const result = evaluation({
      reason: [{ rule: 'experiment', experiment: 'hero-test', arm: 'b', variants: ['v_b'] }],
      variants: [outcome('v_a', true), outcome('v_b', false)],
    });
    expect(resultHeadline(result, english).title).toBe('No variant of arm “b” (experiment “hero-test”) matches:');
    expect(outcomeStatus(result.variants[0], english, experimentArm(result)).label).toBe('matches, not in arm b');
    expect(outcomeStatus(result.variants[1], english, experimentArm(result)).label).toBe('no match');
  });
});
