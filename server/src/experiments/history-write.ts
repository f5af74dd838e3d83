import type { Core } from '@strapi/strapi';

import { dialectOf } from '../storage/database-store';
import { EXPERIMENT_UID } from './model';

/**
 * Appends to a history the server keeps on an experiment (a bandit's weights, a contextual experiment's models)
 * only if the stored history still has the `length` entries the writer read: one conditional `UPDATE` of the
 * experiment's row (atomic on SQLite, PostgreSQL and MySQL), so that when two instances update at once (a lock
 * lost with its Redis master, or expired) each version is written once; the other finds nothing to write.
 * `also`: other attributes written in the same statement. False when another write came first. The caller
 * reloads the experiments after (the documents API, and so its middleware, is bypassed).
 */
export const writeHistoryIfLength = async (
  strapi: Core.Strapi,
  documentId: string,
  attribute: string,
  length: number,
  history: unknown[],
  also: Record<string, unknown> = {}
): Promise<boolean> => {
  const knex = strapi.db.connection;
  const meta = strapi.db.metadata.get(EXPERIMENT_UID);
  const column = (name: string) => {
    const found = meta.attributes[name] as { columnName?: string } | undefined;
    if (!found?.columnName) throw new Error(`the experiment has no column for "${name}"`);
    return found.columnName;
  };
  const historyColumn = column(attribute);
  const lengthOf = {
    sqlite: 'json_array_length(??)',
    postgres: 'jsonb_array_length(CAST(?? AS jsonb))',
    mysql: 'JSON_LENGTH(??)',
  }[dialectOf(knex)];
  const values: Record<string, unknown> = { [historyColumn]: JSON.stringify(history), [column('updatedAt')]: new Date() };
  for (const [name, value] of Object.entries(also)) values[column(name)] = JSON.stringify(value);
  const written = await knex(meta.tableName)
    .where(column('documentId'), documentId)
    .whereRaw(`COALESCE(${lengthOf}, 0) = ?`, [historyColumn, length])
    .update(values);
  return written > 0;
};
