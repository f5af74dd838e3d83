import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

import { slotViolations, type SlotViolation } from './slot-check';

export interface StrapiProcess {
  url: string;
  child: ChildProcess;
  /** Creates an API token in that Strapi and returns its secret. */
  createApiToken(kind: 'read-only' | 'full-access'): Promise<string>;
  /** Runs one tick of the plugin's bandit cron job in that Strapi. */
  banditTick(): Promise<void>;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Starts the playground in a child process with the given environment and waits until it listens. */
export const startStrapiProcess = async (env: Record<string, string>, execArgv: string[] = []): Promise<StrapiProcess> => {
  const port = await freePort();
  const child = fork(path.join(__dirname, 'strapi-process.js'), [], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      SERVE_ADMIN: 'false',
      PLAYGROUND_SEED: 'false',
      LOG_LEVEL: 'error',
      // Slot-checked like the test's own Strapi (tests/helpers/slot-check.ts; not the build benchmarks run).
      PERSONALIZE_SLOT_CHECK: '1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  // Its commands that span slots land in this process's list, which every test file checks.
  child.on('message', (message: { type: string; violation?: SlotViolation }) => {
    if (message.type === 'slot-violation' && message.violation) slotViolations.push(message.violation);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the second Strapi did not start within 90 s')), 90_000);
    child.on('message', (message: { type: string; message?: string }) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve();
      else reject(new Error(`the second Strapi failed to start: ${message.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second Strapi exited with ${code}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    createApiToken: (kind) =>
      new Promise<string>((resolve) => {
        const onMessage = (message: { type: string; accessKey?: string }) => {
          if (message.type !== 'api-token') return;
          child.off('message', onMessage);
          resolve(message.accessKey!);
        };
        child.on('message', onMessage);
        child.send({ type: 'api-token', kind });
      }),
    banditTick: () =>
      new Promise<void>((resolve) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== 'bandit-tick-done') return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        child.send({ type: 'bandit-tick' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
};
