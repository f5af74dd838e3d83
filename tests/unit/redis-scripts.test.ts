import { randomBytes } from 'node:crypto';

import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';

import { RELEASE_LUA } from '../../server/src/experiments/bandit';
import { experimentCountersKey, SCRIPTS, shardOf, SHARDS, visitorKeys } from '../../server/src/storage/redis-store';
import { installSlotCheck, slotViolations } from '../helpers/slot-check';

/** Every `redis.call(...)`/`redis.pcall(...)` of a script, its command and first argument. */
const callsOf = (lua: string) =>
  [...lua.matchAll(/redis\.p?call\(\s*'([A-Za-z]+)'\s*(?:,\s*([^,)]+))?/g)].map(([, command, first]) => ({ command, first: first?.trim() }));

/** Commands whose first argument is no key. */
const KEYLESS = new Set(['TIME']);

describe('the Redis scripts declare their keys', () => {
  const scripts = { ...SCRIPTS, RELEASE_LUA };
  it.each(Object.entries(scripts))('%s starts with a shebang and names keys only through KEYS', (_, lua) => {
    expect(lua).toMatch(/^#!lua( flags=[a-z-]+(,[a-z-]+)*)?\n/);
    const calls = callsOf(lua);
    expect(calls.length).toBeGreaterThan(0);
    for (const { command, first } of calls) {
      if (KEYLESS.has(command.toUpperCase())) continue;
      // KEYS[…] itself, or a local that holds one.
      const declared = /^KEYS\[/.test(first ?? '') || new RegExp(`local ${first} = KEYS\\[`).test(lua);
      expect({ command, first, declared }).toEqual({ command, first, declared: true });
    }
  });

  it('marks the read-only scripts no-writes, and no script that writes', () => {
    const writes = /redis\.call\('(SET|DEL|ZADD|ZREM\w*|XADD|XTRIM|XDEL|HINCRBYFLOAT|HSET|PEXPIRE)'/;
    for (const lua of Object.values(scripts)) expect(lua.startsWith('#!lua flags=no-writes')).toBe(!writes.test(lua));
  });
});

describe('the key layout: one slot per visitor, with their shard of the log and the counters', () => {
  it('puts a visitor, their stream and their shard of any experiment in one slot, and spreads visitors', () => {
    const slots = new Set<number>();
    const shards = new Set<number>();
    for (let i = 0; i < 8000; i += 1) {
      const hash = randomBytes(16).toString('base64url').slice(0, 22);
      const keys = visitorKeys('pz:', hash);
      const all = [...Object.values(keys), experimentCountersKey('pz:', 'exp-{odd}', shardOf(hash))];
      expect(calculateSlot.generateMulti(all)).toBe(calculateSlot(keys.profile));
      slots.add(calculateSlot(keys.profile));
      shards.add(shardOf(hash));
    }
    expect(shards.size).toBe(SHARDS);
    // Distinct shards land in distinct slots (nearly all: CRC16 collisions are rare).
    expect(slots.size).toBeGreaterThan(SHARDS * 0.95);
  });
});

describe('the slot check', () => {
  // No server needed: a refused command never reaches the socket, and one that passes is not sent
  // (the connection is lazy and not connected: it fails for that reason instead).
  const connection = new Redis({ lazyConnect: true, connectionName: 'personalize-test', enableOfflineQueue: false });
  const own = new Redis({ lazyConnect: true, connectionName: 'a-test', enableOfflineQueue: false });
  beforeAll(() => installSlotCheck());
  afterAll(() => {
    connection.disconnect();
    own.disconnect();
    // What this test provoked on purpose is not a violation of the plugin's.
    slotViolations.length = 0;
  });

  it("refuses the plugin's commands and scripts whose keys span slots, and its transactions across slots", async () => {
    await expect(connection.del('a', 'b')).rejects.toThrow('CROSSSLOT');
    await expect(connection.eval('return 1', 2, 'x:{v001}', 'y:{v002}')).rejects.toThrow('CROSSSLOT');
    await expect(connection.multi().set('a', '1').set('b', '2').exec()).rejects.toThrow('CROSSSLOT');
    expect(slotViolations.map(({ command }) => command)).toEqual(['del', 'eval', 'exec']);
    // One slot (a hash tag) passes the check (and then fails for want of a connection).
    await expect(connection.del('a{t}', 'b{t}')).rejects.not.toThrow('CROSSSLOT');
    await expect(connection.eval('return 1', 2, 'x:{v001}', 'y:{v001}')).rejects.not.toThrow('CROSSSLOT');
    // A test's own client is not checked.
    await expect(own.del('a', 'b')).rejects.not.toThrow('CROSSSLOT');
    expect(slotViolations).toHaveLength(3);
  });
});
