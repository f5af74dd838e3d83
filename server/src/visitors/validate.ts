import { EVENT_LIMITS, hasReservedKey, visitorEventSchema } from '../../../contracts/src/events';
import type { AcceptedEvent } from '../../../engine/src/profile/events';

export interface Rejection {
  index: number;
  message: string;
}

/**
 * Checks a batch's events one by one: shape (zod), keys that mean something to JavaScript objects,
 * duplicate ids, and time. Each time is rebased to the server's clock, `receivedAt − (sentAt − ts)`;
 * events more than 24 h old or more than 5 min ahead are rejected.
 */
export const validateEvents = (
  events: readonly unknown[],
  sentAt: number,
  receivedAt: number
): { accepted: { index: number; event: AcceptedEvent }[]; rejected: Rejection[] } => {
  const accepted: { index: number; event: AcceptedEvent }[] = [];
  const rejected: Rejection[] = [];
  const ids = new Set<string>();
  events.forEach((raw, index) => {
    if (hasReservedKey(raw)) {
      rejected.push({ index, message: 'forbidden key (__proto__, constructor or prototype) or nesting too deep' });
      return;
    }
    const parsed = visitorEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      rejected.push({ index, message: `${where}${issue.message}` });
      return;
    }
    const event = parsed.data;
    if (ids.has(event.id)) {
      rejected.push({ index, message: 'duplicate event id in this batch' });
      return;
    }
    const at = receivedAt - (sentAt - event.ts);
    if (at < receivedAt - EVENT_LIMITS.maxAgeMs) {
      rejected.push({ index, message: 'older than 24 h' });
      return;
    }
    if (at > receivedAt + EVENT_LIMITS.maxAheadMs) {
      rejected.push({ index, message: 'more than 5 min ahead' });
      return;
    }
    ids.add(event.id);
    accepted.push({ index, event: { ...event, at } as AcceptedEvent });
  });
  return { accepted, rejected };
};
