import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import Redis from 'ioredis';

/**
 * A local Redis Cluster for tests: three masters and three replicas of Debian's `redis-server`, on
 * ports of their own (and their bus ports, +10000), each with a data directory under the system's
 * temporary directory, `cluster-node-timeout` 2000 ms, made a cluster by `redis-cli --cluster create`.
 * The tests start and stop it themselves (nothing in CI starts one for them), and may kill or pause
 * one node by its pid, or fail one over by hand (never the shared Redis on 6379).
 */

const run = promisify(execFile);
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';
const HOST = '127.0.0.1';
export const NODE_TIMEOUT_MS = 2000;

export interface ClusterNode {
  host: string;
  port: number;
  process: ChildProcess;
  dir: string;
}

export interface RedisCluster {
  /** Seeds for `redis.cluster.nodes`. */
  seeds: { host: string; port: number }[];
  nodes: ClusterNode[];
  /** The master nodes' ports now (after any failover), from CLUSTER NODES. */
  masterPorts(): Promise<number[]>;
  /** The port of the master serving a key's slot now. */
  masterOf(key: string): Promise<number>;
  /** The port of a live replica of the master on `masterPort`, from CLUSTER NODES. */
  replicaOf(masterPort: number): Promise<number>;
  /**
   * `CLUSTER FAILOVER` on the replica on `replicaPort` (a coordinated failover: its master stops
   * taking writes until the replica has them all), then waits until that replica is a master.
   */
  failover(replicaPort: number, timeoutMs?: number): Promise<void>;
  /** A direct connection to one node (the caller quits it). */
  connect(port: number): Promise<Redis>;
  /** Waits until every live node reports cluster_state:ok and agrees on the masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Sends a signal to a node's process (SIGKILL, SIGSTOP, SIGCONT). */
  signal(port: number, signal: NodeJS.Signals): void;
  /** Starts a killed node again, on its own data directory (it rejoins as a replica). */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });

/** `count` consecutive ports from `base` whose bus ports (+10000) are free too; the next block otherwise. */
const freeBlock = async (base: number, count: number): Promise<number> => {
  for (let start = base; start < base + 2000; start += count) {
    const ports = Array.from({ length: count }, (_, i) => start + i);
    const free = await Promise.all(ports.flatMap((port) => [portFree(port), portFree(port + 10_000)]));
    if (free.every(Boolean)) return start;
  }
  throw new Error(`no ${count} free ports from ${base}`);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not within ${timeoutMs} ms`);
    await sleep(100);
  }
};

/** A paused node accepts connections and never answers: every call gives up after this. */
const CLI_TIMEOUT_MS = 2000;

const ping = async (port: number) => {
  const { stdout } = await run(REDIS_CLI, ['-h', HOST, '-p', String(port), 'PING'], { timeout: CLI_TIMEOUT_MS });
  return stdout.trim() === 'PONG';
};

const cli = async (port: number, ...args: string[]) =>
  (await run(REDIS_CLI, ['-h', HOST, '-p', String(port), ...args], { timeout: CLI_TIMEOUT_MS })).stdout;

export const startRedisCluster = async ({ basePort = 17000, masters = 3 } = {}): Promise<RedisCluster> => {
  const count = masters * 2;
  const base = await freeBlock(basePort, count);
  const nodes: ClusterNode[] = [];

  const spawnNode = (port: number, dir: string): ChildProcess => {
    const child = spawn(
      REDIS_SERVER,
      [
        '--port', String(port),
        '--bind', HOST,
        '--cluster-enabled', 'yes',
        '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
        '--daemonize', 'no',
        '--protected-mode', 'no',
        '--logfile', path.join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' }
    );
    child.on('error', () => undefined);
    return child;
  };

  try {
    for (let i = 0; i < count; i += 1) {
      const port = base + i;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pz-cluster-${port}-`));
      nodes.push({ host: HOST, port, dir, process: spawnNode(port, dir) });
    }
    await Promise.all(nodes.map(({ port }) => waitFor(() => ping(port), 10_000, `node ${port} up`)));
    await run(REDIS_CLI, [
      '--cluster', 'create',
      ...nodes.map(({ port }) => `${HOST}:${port}`),
      '--cluster-replicas', '1',
      '--cluster-yes',
    ]);
  } catch (error) {
    for (const node of nodes) node.process.kill('SIGKILL');
    for (const node of nodes) fs.rmSync(node.dir, { recursive: true, force: true });
    throw error;
  }

  /** Nodes paused with SIGSTOP (until SIGCONT): alive, but they answer nothing, so nothing asks them. */
  const paused = new Set<number>();
  const alive = (node: ClusterNode) => node.process.exitCode === null && node.process.signalCode === null;
  const answering = (node: ClusterNode) => alive(node) && !paused.has(node.port);

  /** CLUSTER NODES of a live node: `port flags` per line. */
  const topology = async () => {
    for (const node of nodes.filter(answering)) {
      try {
        return (await cli(node.port, 'CLUSTER', 'NODES'))
          .trim()
          .split('\n')
          .map((line) => {
            const [id, address, flags, master, , , , , ...slots] = line.split(' ');
            return { id, port: Number(address.split('@')[0].split(':')[1]), flags: flags.split(','), master, slots };
          });
      } catch {
        // paused or dying: ask another
      }
    }
    throw new Error('redis cluster: no node answers');
  };

  const cluster: RedisCluster = {
    seeds: nodes.map(({ host, port }) => ({ host, port })),
    nodes,
    async masterPorts() {
      return (await topology())
        .filter(({ flags }) => flags.includes('master') && !flags.includes('fail') && !flags.includes('fail?'))
        .map(({ port }) => port)
        .sort();
    },
    async masterOf(key) {
      const node = nodes.find(answering)!;
      const slot = Number((await cli(node.port, 'CLUSTER', 'KEYSLOT', key)).trim());
      for (const entry of await topology()) {
        if (!entry.flags.includes('master') || entry.flags.includes('fail')) continue;
        for (const range of entry.slots) {
          const [from, to = from] = range.split('-').map(Number);
          if (slot >= from && slot <= to) return entry.port;
        }
      }
      throw new Error(`redis cluster: no master serves slot ${slot}`);
    },
    async replicaOf(masterPort) {
      const entries = await topology();
      const master = entries.find(({ port }) => port === masterPort);
      const replica = entries.find(
        ({ flags, master: of }) => flags.includes('slave') && !flags.includes('fail') && !flags.includes('fail?') && of === master?.id
      );
      if (!replica) throw new Error(`redis cluster: no live replica of ${masterPort}`);
      return replica.port;
    },
    async failover(replicaPort, timeoutMs = 20_000) {
      const answer = (await cli(replicaPort, 'CLUSTER', 'FAILOVER')).trim();
      if (answer !== 'OK') throw new Error(`redis cluster: CLUSTER FAILOVER on ${replicaPort} answered ${answer}`);
      await waitFor(async () => (await cluster.masterPorts()).includes(replicaPort), timeoutMs, `${replicaPort} promoted`);
    },
    async connect(port) {
      const connection = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 1 });
      await connection.connect();
      return connection;
    },
    async waitHealthy(timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const live = nodes.filter(answering);
          const infos = await Promise.all(live.map(({ port }) => cli(port, 'CLUSTER', 'INFO')));
          if (!infos.every((info) => info.includes('cluster_state:ok'))) return false;
          // As many masters as it was made with, none failed.
          return (await cluster.masterPorts()).length === masters;
        },
        timeoutMs,
        'cluster_state:ok on every node'
      );
    },
    signal(port, signal) {
      const node = nodes.find((candidate) => candidate.port === port);
      if (!node) throw new Error(`redis cluster: no node on ${port}`);
      if (signal === 'SIGSTOP') paused.add(port);
      if (signal === 'SIGCONT') paused.delete(port);
      node.process.kill(signal);
    },
    async restart(port) {
      const node = nodes.find((candidate) => candidate.port === port)!;
      if (alive(node)) return;
      node.process = spawnNode(port, node.dir);
      await waitFor(() => ping(port), 10_000, `node ${port} back`);
    },
    async stop() {
      await Promise.all(
        nodes.map(
          (node) =>
            new Promise<void>((resolve) => {
              if (!alive(node)) return resolve();
              const timer = setTimeout(() => node.process.kill('SIGKILL'), 3000);
              node.process.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              // A paused node never handles SIGTERM.
              node.process.kill('SIGCONT');
              node.process.kill('SIGTERM');
            })
        )
      );
      for (const node of nodes) fs.rmSync(node.dir, { recursive: true, force: true });
    },
  };
  await cluster.waitHealthy();
  return cluster;
};
