import { Counter, Histogram, register, Registry } from 'prom-client';

import { countingFailures } from '../../server/src/storage/counting-store';
import { createCounting, METRIC_NAMES } from '../../server/src/platform/metrics';

/**
 * The plugin counts with plain additions on children it keeps (server/src/platform/metrics.ts);
 * prom-client's registry reads them at scrape time. Their exposition must be exactly what
 * prom-client's own Counter and Histogram write for the same calls.
 */

/** A metric's lines in an exposition (its HELP and TYPE lines and its samples), the metric renamed. */
const linesOf = (exposition: string, name: string, as = name) =>
  exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}_`) || line.startsWith(`${name}{`) || line.startsWith(`${name} `) || line.includes(` ${name} `))
    .map((line) => line.split(name).join(as))
    .sort();

describe('the plugin’s counting', () => {
  afterEach(() => register.resetMetrics());

  it('writes a counter and a histogram as prom-client’s own do, for two instances of the plugin in one process', async () => {
    const first = createCounting();
    const second = createCounting();
    const reference = new Registry();
    const decisions = new Counter({ name: 'ref_decisions', help: 'x', labelNames: ['route', 'outcome'], registers: [reference] });
    const seconds = new Histogram({
      name: 'ref_seconds',
      help: 'x',
      labelNames: ['route', 'cache'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [reference],
    });
    const calls: [string, string, number][] = [
      ['resolve', 'hit', 0.0003],
      ['resolve', 'hit', 0.00025],
      ['resolve', 'miss', 0.004],
      ['plain', 'miss', 2],
      ['graphql', 'hit', 0],
    ];
    for (const [index, [route, cache, value]] of calls.entries()) {
      (index % 2 === 0 ? first : second).decision(route as 'resolve', 'variant');
      (index % 2 === 0 ? second : first).decisionTime(route as 'resolve', cache as 'hit', value);
      decisions.inc({ route, outcome: 'variant' });
      seconds.observe({ route, cache }, value);
    }
    const ours = await register.metrics();
    const theirs = await reference.metrics();
    expect(linesOf(ours, METRIC_NAMES.decisions).filter((line) => !line.startsWith('#'))).toEqual(
      linesOf(theirs, 'ref_decisions', METRIC_NAMES.decisions).filter((line) => !line.startsWith('#'))
    );
    expect(linesOf(ours, METRIC_NAMES.decisionSeconds).filter((line) => !line.startsWith('#'))).toEqual(
      linesOf(theirs, 'ref_seconds', METRIC_NAMES.decisionSeconds).filter((line) => !line.startsWith('#'))
    );
    expect(ours).toContain(`# TYPE ${METRIC_NAMES.decisions} counter`);
    expect(ours).toContain(`# TYPE ${METRIC_NAMES.decisionSeconds} histogram`);
  });

  it('resets with the registry, and counts events only when there are some', async () => {
    const counting = createCounting();
    counting.events('accepted', 3);
    counting.events('bot', 0);
    expect(await register.getSingleMetricAsString(METRIC_NAMES.events)).toContain(`${METRIC_NAMES.events}{result="accepted"} 3`);
    expect(await register.getSingleMetricAsString(METRIC_NAMES.events)).not.toContain('bot');
    register.resetMetrics();
    expect(await register.getSingleMetricAsString(METRIC_NAMES.events)).toContain(`${METRIC_NAMES.events}{result="accepted"} 0`);
  });
});

describe('a store whose failures are counted', () => {
  it('counts each failed call by its method’s name and passes results and errors on unchanged', async () => {
    const failed: string[] = [];
    const failure = new Error('unreachable');
    const store = countingFailures(
      {
        kind: 'redis' as const,
        read: async (hash: string) => (hash === 'down' ? Promise.reject(failure) : { hash }),
        close: () => {
          throw failure;
        },
      },
      (operation) => failed.push(operation)
    );
    expect(store.kind).toBe('redis');
    await expect(store.read('up')).resolves.toEqual({ hash: 'up' });
    await expect(store.read('down')).rejects.toBe(failure);
    expect(() => store.close()).toThrow(failure);
    expect(failed).toEqual(['read', 'close']);
  });
});
