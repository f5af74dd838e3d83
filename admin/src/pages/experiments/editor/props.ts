import type { ExperimentDraft } from '../../../experiments/draft';
import type { T } from '../../../experiments/i18n';

/** What every card of the experiment editor is given. */
export interface CardProps {
  draft: ExperimentDraft;
  /** The draft changed (it clears the server's field errors). */
  change: (next: ExperimentDraft) => void;
  /** Field path → message, the draft's own problems and the server's. */
  errors: Record<string, string>;
  /** Nothing can change: no permission to manage experiments, or stopped. */
  readOnly: boolean;
  /** Started once: the key, target, event, kind and cap stay as they are. */
  started: boolean;
  t: T;
}
