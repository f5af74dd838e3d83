/**
 * The slot check (docs/events.md, "Stores and Redis key layout"): a single Redis behaves as a Redis
 * Cluster would about slots. Installed in a process, it fails every command the plugin sends whose
 * keys span cluster slots (a multi-key command, a script's KEYS, or the commands of a MULTI) with
 * the error a cluster gives (`CROSSSLOT`), and records it, so a test on one Redis catches code that
 * would break on a cluster. Only the plugin's own connections are checked (their connection names
 * start with `personalize`); a test's own client may clean up across slots.
 *
 * The in-process Strapi of a test is checked from tests/helpers/slot-check-setup.ts (every test
 * file); a second Strapi (strapi-process.ts) installs it with PERSONALIZE_SLOT_CHECK=1 and reports
 * over IPC into the same list.
 */
import Redis, { Command } from 'ioredis';
import calculateSlot from 'cluster-key-slot';

export interface SlotViolation {
  command: string;
  keys: string[];
  slots: number[];
  connection: string;
}

/** What the checks found in this process (and what the child processes reported). */
export const slotViolations: SlotViolation[] = [];

interface CheckedCommand {
  name: string;
  getKeys(): (string | Buffer)[];
  reject(error: Error): void;
  promise: Promise<unknown>;
}

type SendCommand = (this: Redis, command: CheckedCommand, ...rest: unknown[]) => unknown;

const INSTALLED = Symbol.for('personalize.slot-check');

/** The slots of the commands queued in a connection's open MULTI. */
const transactions = new WeakMap<Redis, Set<number>>();

const checked = (connection: Redis) => {
  const name = connection.options?.connectionName ?? '';
  return name.startsWith('personalize');
};

/**
 * Patches ioredis (once per process). `report` hears each violation as it happens (a child process
 * sends it to its parent); every violation is also kept in `slotViolations`.
 */
export const installSlotCheck = (report?: (violation: SlotViolation) => void) => {
  const prototype = Redis.prototype as unknown as { sendCommand: SendCommand; [INSTALLED]?: boolean };
  if (prototype[INSTALLED]) return;
  prototype[INSTALLED] = true;
  const original = prototype.sendCommand;
  prototype.sendCommand = function sendCommand(command, ...rest) {
    if (!checked(this)) return original.call(this, command, ...rest);
    const name = command.name.toLowerCase();
    if (name === 'multi') {
      transactions.set(this, new Set());
      return original.call(this, command, ...rest);
    }
    if (name === 'exec' || name === 'discard') {
      const slots = transactions.get(this);
      transactions.delete(this);
      if (name === 'exec' && slots && slots.size > 1) {
        // The server holds the transaction open: it is discarded, as a cluster would refuse its EXEC.
        const discard = new Command('discard');
        discard.promise.catch(() => undefined);
        void original.call(this, discard as unknown as CheckedCommand);
        return refuse(this, command, [], [...slots]);
      }
      return original.call(this, command, ...rest);
    }
    const keys = command.getKeys().map(String);
    const slots = [...new Set(keys.map((key) => calculateSlot(key)))];
    const open = transactions.get(this);
    if (open) for (const slot of slots) open.add(slot);
    if (slots.length > 1) return refuse(this, command, keys, slots);
    return original.call(this, command, ...rest);
  };

  const refuse = (connection: Redis, command: CheckedCommand, keys: string[], slots: number[]) => {
    const violation = { command: command.name, keys, slots, connection: connection.options.connectionName ?? '' };
    slotViolations.push(violation);
    report?.(violation);
    command.reject(new Error(`CROSSSLOT Keys in request don't hash to the same slot (slot check: ${command.name} ${keys.join(' ')})`));
    return command.promise;
  };
};
