import { Section } from '../../../components/Section';
import { PowerCalculator } from '../PowerCalculator';
import type { CardProps } from './props';

/** How many visitors, so how long, the test needs to see the lift it is after. */
export const PowerCard = ({ draft, t }: Pick<CardProps, 'draft' | 't'>) => (
  <Section title={t('section.power', 'How long to run: power and duration')}>
    <PowerCalculator kind={draft.goal.kind} arms={draft.arms.length} trafficPercent={draft.trafficPercent ?? 0} t={t} />
  </Section>
);
