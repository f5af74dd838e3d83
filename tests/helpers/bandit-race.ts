import type { Core } from '@strapi/strapi';
import request from 'supertest';

import { ARTICLE_UID } from './content';
import { EXPERIMENT_UID, giveConsent, resolveFor } from './experiments';
import { newVisitorId } from './events';

/**
 * Bandit updates asked of several instances at once (docs/experiments.md, Bandits): the test's
 * side of the compare-and-set that writes each weights version once (server/src/experiments/bandit.ts).
 */

type Target = Parameters<typeof request>[0];

export interface StoredBandit {
  arms: { key: string; weight: number }[];
  banditHistory: { at: string; weights: number[]; pBest: number[] }[];
}

export const readBandit = async (strapi: Core.Strapi, documentId: string) =>
  (await strapi.documents(EXPERIMENT_UID as never).findOne({ documentId, fields: ['arms', 'banditHistory'] } as never)) as unknown as StoredBandit;

/**
 * Starts a two-arm bandit on the entry (a `v_offer` variant) that may update at once (no burn-in,
 * `minUnitsPerArm` units per arm), and exposes visitors through the targets in turn until each
 * arm has that many units.
 */
export const startExposedBandit = async (
  targets: Target[],
  adminToken: string,
  documentId: string,
  key: string,
  minUnitsPerArm = 3
): Promise<string> => {
  const admin = (path: string, body?: object) => request(targets[0]).post(path).set('Authorization', `Bearer ${adminToken}`).send(body);
  const created = await admin('/personalize/experiments', {
    key,
    name: `Bandit ${key}`,
    mode: 'bandit',
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    traffic: 1,
    goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
    bandit: { cadenceMinutes: 15, burnInMinutes: 0, minUnitsPerArm },
  });
  if (created.status !== 201) throw new Error(`bandit create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const experimentId = created.body.data.documentId as string;
  const started = await admin(`/personalize/experiments/${experimentId}/start`);
  if (started.status !== 200) throw new Error(`bandit start answered ${started.status}`);
  const units: Record<string, number> = { control: 0, offer: 0 };
  for (let index = 0; units.control < minUnitsPerArm || units.offer < minUnitsPerArm; index += 1) {
    if (index > 200) throw new Error(`the bandit's arms never reached ${minUnitsPerArm} units: ${JSON.stringify(units)}`);
    const target = targets[index % targets.length];
    const visitorId = newVisitorId();
    await giveConsent(target, visitorId);
    for (let attempt = 0; ; attempt += 1) {
      const arm = (await resolveFor(target, documentId, visitorId)).body.meta?.personalize?.experiments?.[key]?.arm as string | undefined;
      if (arm) {
        units[arm] += 1;
        break;
      }
      if (attempt > 100) throw new Error('a visitor was never assigned');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return experimentId;
};

/**
 * `rounds` rounds of `perTarget` concurrent `POST …/bandit/update` on every target at once; each
 * round waits for all of its answers. Returns how many answered `updated: true`, and every answer's
 * status and reason.
 */
export const raceBanditUpdates = async (
  targets: Target[],
  adminToken: string,
  experimentId: string,
  { rounds, perTarget = 2, pauseMs = 0 }: { rounds: number; perTarget?: number; pauseMs?: number }
) => {
  let updated = 0;
  const answers: { status: number; reason?: string; retryAfter?: string }[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const calls = targets.flatMap((target) =>
      Array.from({ length: perTarget }, () =>
        request(target).post(`/personalize/experiments/${experimentId}/bandit/update`).set('Authorization', `Bearer ${adminToken}`)
      )
    );
    for (const response of await Promise.all(calls)) {
      answers.push({ status: response.status, reason: response.body?.data?.reason, retryAfter: response.headers['retry-after'] });
      if (response.status === 200 && response.body.data.updated === true) updated += 1;
    }
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { updated, answers };
};

/**
 * What the compare-and-set guarantees: the history grew by exactly the updates answered `updated`
 * (no version written twice, none lost to another's write), and the arms carry the last entry's
 * weights.
 */
export const expectOneEntryPerUpdate = (before: StoredBandit, after: StoredBandit, updated: number) => {
  expect(after.banditHistory.slice(0, before.banditHistory.length)).toEqual(before.banditHistory);
  expect(after.banditHistory.length - before.banditHistory.length).toBe(updated);
  expect(after.arms.map((arm) => arm.weight)).toEqual(after.banditHistory[after.banditHistory.length - 1].weights);
};
