import { PLUGIN_ID } from '../pluginId';

/** Where the experiments pages live in the admin (react-router paths, under the admin's base). */
export const EXPERIMENTS_PATH = `/plugins/${PLUGIN_ID}/experiments`;

/** The site-wide holdout's report (docs/experiments.md, "The holdout"). */
export const HOLDOUT_PATH = `${EXPERIMENTS_PATH}/holdout`;

/**
 * The editor prefilled for an entry (from "Test these variants"): target = the entry, a control arm
 * and an arm with `variants`.
 */
export const newExperimentForEntry = (entry: { uid: string; documentId: string; locale?: string | null; title?: string | null; variants: readonly string[] }) => {
  const search = new URLSearchParams({ uid: entry.uid, documentId: entry.documentId });
  if (entry.locale) search.set('locale', entry.locale);
  if (entry.title) search.set('title', entry.title.slice(0, 80));
  search.set('variants', entry.variants.join(','));
  return `${EXPERIMENTS_PATH}/new?${search.toString()}`;
};
