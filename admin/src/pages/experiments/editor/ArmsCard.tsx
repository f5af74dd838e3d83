import { Section } from '../../../components/Section';
import { ArmsEditor } from '../ArmsEditor';
import type { TargetVariant } from '../useTargets';
import type { CardProps } from './props';

/** The arms: keys, names, weights and, with a target, the variants each serves. */
export const ArmsCard = ({
  draft,
  change,
  errors,
  readOnly,
  started,
  variants,
  t,
}: CardProps & { variants: TargetVariant[] | null }) => (
  <Section
    title={t('section.arms', 'Arms')}
    description={t(
      'section.arms.description',
      'Each visitor in the experiment gets one arm, at random by the weights, and keeps it. Results compare each arm with the first.'
    )}
    testId="section-arms"
  >
    <ArmsEditor
      arms={draft.arms}
      onChange={(arms) => change({ ...draft, arms })}
      variants={draft.target ? (variants ?? []) : null}
      errors={errors}
      lockKeys={started}
      disabled={readOnly}
      t={t}
    />
  </Section>
);
