import { Section } from '../../../components/Section';
import { PowerCalculator } from '../PowerCalculator';
import type { CardProps } from './props';

/**
 * How many visitors, so how long, the test needs to see the lift it is after. A multivariate test's main effect of a
 * factor splits every visitor among its levels: it needs what an A/B test of as many arms as its largest factor has
 * levels needs.
 */
export const PowerCard = ({ draft, t }: Pick<CardProps, 'draft' | 't'>) => {
  const arms = draft.mode === 'multivariate' ? Math.max(2, ...draft.factors.map((factor) => factor.levels.length)) : draft.arms.length;
  return (
    <Section title={t('section.power', 'How long to run: power and duration')}>
      <PowerCalculator kind={draft.goal.kind} arms={arms} trafficPercent={draft.trafficPercent ?? 0} t={t} />
    </Section>
  );
};
