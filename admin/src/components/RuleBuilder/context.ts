import type { Audience } from '../../api';
import type { FieldEntry } from '../../rules/fields';

/** What every builder control needs, passed through react-querybuilder's `context` prop. */
export interface BuilderContext {
  entries: FieldEntry[];
  groups: string[];
  audiences: Audience[] | null;
  /** Rule or group id → what is wrong with it. */
  problems: Record<string, string>;
  disabled?: boolean;
}
