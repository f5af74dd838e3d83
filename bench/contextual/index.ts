/**
 * `npm run bench -- contextual`: the contextual bandit's offline simulator (bench/contextual/simulate.ts) over
 * every scenario and seed, with each policy's regret, the tree's ratios and the targets of docs/experiments.md
 * ("Contextual bandits: the simulator"). Seeds run in child processes, CONTEXTUAL_WORKERS at a time.
 *
 * Environment: CONTEXTUAL_SEEDS (default 20), CONTEXTUAL_EVENTS (default 200000), CONTEXTUAL_REFIT (default
 * 1000), CONTEXTUAL_WORKERS (default 2), CONTEXTUAL_SCENARIOS (comma-separated names, default all). For a quick
 * look: `CONTEXTUAL_SEEDS=4 CONTEXTUAL_EVENTS=50000 npm run bench -- contextual`.
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { POLICIES, SCENARIOS, simulate, type SimulationResult } from './simulate';

interface Job {
  scenario: string;
  seed: number;
  events: number;
  refitEvery: number;
}

type Summary = Omit<SimulationResult, 'model'>;

const runJob = (job: Job): Summary => {
  const scenario = SCENARIOS.find((entry) => entry.name === job.scenario);
  if (!scenario) throw new Error(`unknown scenario ${job.scenario}`);
  const { model: _model, ...summary } = simulate(scenario, { events: job.events, refitEvery: job.refitEvery, seed: job.seed });
  return summary;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const ratio = (result: Summary, policy: 'thompson' | 'uniform' | 'linucb'): number =>
  (result.policies.tree?.regret ?? NaN) / (result.policies[policy]?.regret ?? NaN);

const main = async () => {
  const seeds = Number(process.env.CONTEXTUAL_SEEDS ?? 20);
  const events = Number(process.env.CONTEXTUAL_EVENTS ?? 200_000);
  const refitEvery = Number(process.env.CONTEXTUAL_REFIT ?? 1000);
  const workers = Math.max(1, Math.min(Number(process.env.CONTEXTUAL_WORKERS ?? 2), cpus().length));
  const only = process.env.CONTEXTUAL_SCENARIOS?.split(',').filter(Boolean);
  const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.name));
  const jobs: Job[] = scenarios.flatMap((scenario) =>
    Array.from({ length: seeds }, (_, index) => ({ scenario: scenario.name, seed: 1000 + index, events, refitEvery }))
  );
  console.log(`${seeds} seeds × ${events} events, refit every ${refitEvery}, ${workers} workers`);
  const started = Date.now();
  const results: Summary[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        results.push(
          await new Promise<Summary>((resolve, reject) => {
            const child = fork(__filename, ['--job', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
            child.once('message', (message) => resolve(message as Summary));
            child.once('exit', (code) =>
              code === 0 ? undefined : reject(new Error(`seed ${job.seed} of ${job.scenario} exited with ${code}`))
            );
          })
        );
      }
    })
  );
  const seconds = (Date.now() - started) / 1000;

  let failed = false;
  const check = (label: string, ok: boolean) => {
    if (!ok) failed = true;
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}`);
  };
  for (const scenario of scenarios) {
    const runs = results.filter((result) => result.scenario === scenario.name).sort((a, b) => a.seed - b.seed);
    console.log(`\n## ${scenario.name}: ${scenario.description}\n`);
    console.log('| policy | median regret | min | max |\n| --- | ---: | ---: | ---: |');
    for (const policy of POLICIES) {
      const regrets = runs.map((run) => run.policies[policy]?.regret ?? NaN);
      console.log(
        `| ${policy} | ${median(regrets).toFixed(0)} | ${Math.min(...regrets).toFixed(0)} | ${Math.max(...regrets).toFixed(0)} |`
      );
    }
    const toThompson = runs.map((run) => ratio(run, 'thompson'));
    const toUniform = runs.map((run) => ratio(run, 'uniform'));
    const toLinucb = runs.map((run) => ratio(run, 'linucb'));
    const leaves = runs.map((run) => run.leaves ?? 0);
    const agreeing = runs.filter((run) => (run.leafAgreement ?? 0) >= 0.9995).length;
    const oneLeaf = leaves.filter((count) => count === 1).length;
    console.log(
      `\ntree/thompson median ${median(toThompson).toFixed(3)} (max ${Math.max(...toThompson).toFixed(3)}), ` +
        `tree/uniform median ${median(toUniform).toFixed(3)}, tree/linucb median ${median(toLinucb).toFixed(3)}; ` +
        `leaves median ${median(leaves)} (max ${Math.max(...leaves)}, one leaf on ${oneLeaf}/${runs.length}); ` +
        `leaf agreement 1.00 on ${agreeing}/${runs.length} (min ${Math.min(...runs.map((run) => run.leafAgreement ?? 0)).toFixed(4)}); ` +
        `fit ${median(runs.map((run) => (run.fitMs ?? 0) / Math.max(1, run.fits ?? 1))).toFixed(1)} ms median`
    );
    const scale = runs.length / 20;
    if (scenario.name === 'interaction') {
      check('regret(tree) ≤ 0.25 × regret(thompson), median', median(toThompson) <= 0.25);
      check('regret(tree) ≤ 0.20 × regret(uniform), median', median(toUniform) <= 0.2);
      check('leaf agreement 1.00 on ≥ 18 of 20 seeds', agreeing >= Math.ceil(18 * scale));
      check('at most 12 leaves', Math.max(...leaves) <= 12);
      console.log(`  info regret(tree) / regret(linucb) median ${median(toLinucb).toFixed(2)} (aim ≤ 1.3)`);
    } else if (scenario.name === 'no-context') {
      check('regret(tree) ≤ 1.25 × regret(thompson), median', median(toThompson) <= 1.25);
      console.log(`  info median ${median(toThompson).toFixed(3)} (aim ≤ 1.05), one leaf on ${oneLeaf}/${runs.length} seeds`);
    } else if (scenario.name === 'small-segment') {
      check('regret(tree) ≤ 1.0 × regret(thompson), median', median(toThompson) <= 1);
      check('regret(tree) ≤ 1.1 × regret(thompson) on every seed', Math.max(...toThompson) <= 1.1);
    }
  }
  console.log(`\n${jobs.length} runs in ${seconds.toFixed(0)} s`);
  if (failed) process.exitCode = 1;
};

const jobIndex = process.argv.indexOf('--job');
if (jobIndex >= 0) {
  const summary = runJob(JSON.parse(process.argv[jobIndex + 1]) as Job);
  process.send?.(summary, () => process.exit(0));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
