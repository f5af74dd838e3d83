/**
 * Engine (both backends: generated code and the closure interpreter) vs json-logic-js 2.0.5, in one
 * process: `npx tsx bench/engine/index.ts`.
 *
 * (a) realistic personalization rules over realistic signals (docs/design.md "Signals"), and
 * (b) the 277 rules of the public jsonlogic-tests.json suite with their data.
 * json-logic-js gets `audience`, `experiment` and `fractional` through add_operation, using the engine's
 * own murmur3/fractional code, so both sides do the same work. The engine compiles once, outside timing.
 * Results are checked to agree before timing. `--quick` takes fewer, shorter rounds.
 * The personalization rules run with the engine's default semantics (`personalize`: a missing signal never
 * satisfies <, <=, >, >=; these visitors send every signal the rules compare, so the results are
 * json-logic-js's), the conformance rules with `semantics: 'json-logic-js'`.
 */
import * as fs from 'fs';
import * as path from 'path';
import jsonLogic from 'json-logic-js';
import { compile, type CompiledRule, type CompileOptions, type Rule } from '../../engine/src';
import { fractional } from '../../engine/src/operators/fractional';

// ---------------------------------------------------------------- rules and signals

const audiences: Record<string, Rule> = {
  engaged_returning: {
    or: [{ '>=': [{ var: 'profile.visits' }, 3] }, { in: ['loyal', { var: 'profile.segments' }] }],
  },
};

const personalizationRules: Record<string, Rule> = {
  // 8 clauses: ==, <, in (constant list), some over recentlyViewed, audience, fractional split, >=, !
  hesitantMobileShopper: {
    and: [
      { '==': [{ var: 'context.device' }, 'mobile'] },
      { '<': [{ var: 'behavior.dwellSec' }, 30] },
      { in: [{ var: 'context.country' }, ['DE', 'AT', 'CH', 'FR', 'NL', 'BE', 'LU', 'IT', 'ES']] },
      { some: [{ var: 'behavior.recentlyViewed' }, { in: [{ var: '' }, ['running-shoes', 'trail-shoes', 'sneakers']] }] },
      { audience: 'engaged_returning' },
      { '>=': [{ var: 'session.pageviews' }, 2] },
      { '!': [{ var: 'time.isWeekend' }] },
      { '==': [{ fractional: [{ cat: ['hero-test', { var: 'visitorId' }] }, ['control', 50], ['variant', 50]] }, 'variant'] },
    ],
  },
  eveningCampaign: {
    if: [
      { and: [{ '>=': [{ var: 'time.hour' }, 18] }, { '<': [{ var: 'time.hour' }, 23] }, { '==': [{ var: 'context.language' }, 'de'] }] },
      'evening',
      { in: [{ var: 'context.utm.source' }, ['newsletter', 'facebook', 'instagram']] },
      'campaign',
      'default',
    ],
  },
  engagedReader: {
    or: [
      { and: [{ '>': [{ var: 'behavior.scrollDepth' }, 75] }, { '>=': [{ var: 'behavior.clicks' }, 2] }] },
      { and: [{ experiment: ['checkout-copy', 'b'] }, { '!': { missing_some: [1, ['profile.visits', 'session.pageviews']] } }] },
      { all: [{ var: 'behavior.recentlyViewed' }, { '!=': [{ var: '' }, ''] }] },
    ],
  },
};

const COUNTRIES = ['DE', 'AT', 'CH', 'NL', 'FR', 'BE', 'DE', 'US'];
const VIEWED = ['hats', 'running-shoes', 'bags', 'sneakers', 'socks', 'trail-shoes', 'jackets'];

/**
 * 64 visitors of the traffic these variants target: about three in four get through every clause of
 * hesitantMobileShopper up to the fractional split (so the benchmark measures the whole rule, not an early
 * exit on the first clause); the others fall out at different clauses (desktop, long dwell, US, weekend...).
 */
function makeVisitors(count: number): Record<string, unknown>[] {
  const visitors: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const offTarget = i % 4 === 3; // one in four misses one clause
    const miss = offTarget ? (i >> 2) % 5 : -1;
    visitors.push({
      visitorId: `v-${(i * 7919).toString(36)}-${i}`,
      context: {
        device: miss === 0 ? 'desktop' : 'mobile',
        os: 'iOS',
        browser: 'Safari',
        country: miss === 1 ? 'US' : COUNTRIES[i % 7],
        locale: 'de-DE',
        language: i % 3 === 0 ? 'en' : 'de',
        referrer: 'https://www.google.com/',
        path: '/products/trail-runner',
        utm: { source: i % 4 === 0 ? 'newsletter' : 'google', medium: 'email', campaign: 'spring' },
      },
      time: { hour: 8 + (i % 16), weekday: 1 + (i % 5), isWeekend: miss === 2, timestamp: 1717430400000 + i * 60000 },
      behavior: {
        dwellSec: miss === 3 ? 95 : 4 + (i % 20),
        scrollDepth: (i * 13) % 100,
        clicks: i % 4,
        hovers: i % 6,
        quickExits: i % 2,
        recentlyViewed: [VIEWED[i % 7], VIEWED[(i + 3) % 7], miss === 4 ? 'hats' : 'sneakers'],
      },
      session: { pageviews: 2 + (i % 6), durationSec: 30 + i, isNew: i % 3 === 0 },
      profile: { visits: 1 + (i % 6), interests: { shoes: 0.8, hats: 0.1 }, segments: i % 2 === 0 ? ['loyal', 'newsletter'] : ['new'] },
      experiments: { 'checkout-copy': i % 2 === 0 ? 'b' : 'a', 'hero-test': 'variant' },
    });
  }
  return visitors;
}

// ---------------------------------------------------------------- json-logic-js with the same domain operators

jsonLogic.add_operation('audience', function audience(this: unknown, key: string) {
  return jsonLogic.apply(audiences[key] as never, this);
});
jsonLogic.add_operation('experiment', function experiment(this: unknown, key: unknown, arm: unknown) {
  const experiments = typeof this === 'object' && this !== null ? (this as Record<string, unknown>).experiments : undefined;
  return typeof key === 'string' && typeof arm === 'string' && typeof experiments === 'object' && experiments !== null
    && Object.prototype.hasOwnProperty.call(experiments, key) && (experiments as Record<string, unknown>)[key] === arm;
});
jsonLogic.add_operation('fractional', function fractionalOperation(this: unknown, ...values: unknown[]) {
  return fractional(values, this);
});

// ---------------------------------------------------------------- timing

interface Workload {
  name: string;
  /** Evaluations per call of each runner. */
  evaluationsPerRound: number;
  reference: () => unknown;
  /** The engine with each backend. */
  interpreter: () => unknown;
  codegen: () => unknown;
}

type Side = 'reference' | 'interpreter' | 'codegen';
const SIDES: readonly Side[] = ['reference', 'interpreter', 'codegen'];
const BACKENDS = ['interpreter', 'codegen'] as const;

let sink: unknown; // keeps results alive so nothing is optimised away

function timeRuns(fn: () => unknown, minNs: bigint): { runs: number; ns: bigint } {
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < minNs) {
    for (let i = 0; i < 10; i++) sink = fn();
    runs += 10;
    elapsed = process.hrtime.bigint() - start;
  }
  return { runs, ns: elapsed };
}

function rate(fn: () => unknown, evaluationsPerRun: number, ms: number): number {
  const { runs, ns } = timeRuns(fn, BigInt(ms) * 1_000_000n);
  return (runs * evaluationsPerRun) / (Number(ns) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Comparison {
  rates: Record<Side, number>;
  /** Median of the per-round ratios to json-logic-js. */
  interpreterRatio: number;
  codegenRatio: number;
}

/**
 * The three sides measured in alternating rounds of ~`ms` each after a warmup, so that background load hits
 * all alike; reports the median rates and the median of the per-round ratios.
 */
function compare(workload: Workload, rounds: number, ms: number): Comparison {
  for (const side of SIDES) timeRuns(workload[side], 300_000_000n); // warmup: let the JIT settle
  const rates: Record<Side, number[]> = { reference: [], interpreter: [], codegen: [] };
  const interpreterRatios: number[] = [];
  const codegenRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const side of SIDES) rates[side].push(rate(workload[side], workload.evaluationsPerRound, ms));
    interpreterRatios.push(rates.interpreter[r] / rates.reference[r]);
    codegenRatios.push(rates.codegen[r] / rates.reference[r]);
  }
  return {
    rates: { reference: median(rates.reference), interpreter: median(rates.interpreter), codegen: median(rates.codegen) },
    interpreterRatio: median(interpreterRatios),
    codegenRatio: median(codegenRatios),
  };
}



function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------- workloads

/** Compiles with both backends and checks each against json-logic-js on every input. */
function compileBoth(name: string, rule: Rule, inputs: readonly unknown[], options?: CompileOptions): Record<(typeof BACKENDS)[number], CompiledRule> {
  const compiled = {
    interpreter: compile(rule, { ...options, backend: 'interpreter' }),
    codegen: compile(rule, { ...options, backend: 'codegen' }),
  };
  for (const backend of BACKENDS) {
    if (compiled[backend].backend !== backend) throw new Error(`${name}: the ${backend} backend is not available`);
    for (const input of inputs) {
      const expected = jsonLogic.apply(rule as never, input);
      const actual = compiled[backend].evaluate(input);
      if (!same(expected, actual)) throw new Error(`${name} (${backend}) disagrees on ${JSON.stringify(input)}: ${String(expected)} vs ${String(actual)}`);
    }
  }
  return compiled;
}

/** Evaluates every compiled rule on every visitor. */
function visitorRunner(rules: readonly CompiledRule[], visitors: readonly unknown[]): () => unknown {
  return () => {
    let last: unknown;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      for (let i = 0; i < visitors.length; i++) last = rule.evaluate(visitors[i]);
    }
    return last;
  };
}

function personalizationWorkloads(): Workload[] {
  const visitors = makeVisitors(64);
  const workloads: Workload[] = [];
  const all: { rule: Rule; interpreter: CompiledRule; codegen: CompiledRule }[] = [];
  for (const [name, rule] of Object.entries(personalizationRules)) {
    const compiled = compileBoth(name, rule, visitors, { audiences });
    all.push({ rule, ...compiled });
    workloads.push({
      name: `personalization: ${name}`,
      evaluationsPerRound: visitors.length,
      reference: () => {
        let last: unknown;
        for (let i = 0; i < visitors.length; i++) last = jsonLogic.apply(rule as never, visitors[i]);
        return last;
      },
      interpreter: visitorRunner([compiled.interpreter], visitors),
      codegen: visitorRunner([compiled.codegen], visitors),
    });
  }
  workloads.push({
    name: 'personalization: all 3 rules',
    evaluationsPerRound: visitors.length * all.length,
    reference: () => {
      let last: unknown;
      for (const { rule } of all) for (let i = 0; i < visitors.length; i++) last = jsonLogic.apply(rule as never, visitors[i]);
      return last;
    },
    interpreter: visitorRunner(all.map((c) => c.interpreter), visitors),
    codegen: visitorRunner(all.map((c) => c.codegen), visitors),
  });
  return workloads;
}

function conformanceWorkload(): Workload {
  const file = path.resolve(__dirname, '../../../shared/conformance/jsonlogic-tests.json');
  const cases = (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[]).filter(Array.isArray) as [unknown, unknown, unknown][];
  if (cases.length !== 277) throw new Error(`expected 277 conformance cases, found ${cases.length}`);
  const compiled = cases.map(([rule, data], i) => ({
    rule,
    data,
    ...compileBoth(`conformance #${i}`, rule as Rule, [data], { semantics: 'json-logic-js' }),
  }));
  const byBackend = (backend: (typeof BACKENDS)[number]) => {
    const rules = compiled.map((c) => c[backend]);
    const data = compiled.map((c) => c.data);
    return () => {
      let last: unknown;
      for (let i = 0; i < rules.length; i++) last = rules[i].evaluate(data[i]);
      return last;
    };
  };
  return {
    name: 'conformance: 277 rules',
    evaluationsPerRound: compiled.length,
    reference: () => {
      let last: unknown;
      for (let i = 0; i < compiled.length; i++) last = jsonLogic.apply(compiled[i].rule as never, compiled[i].data);
      return last;
    },
    interpreter: byBackend('interpreter'),
    codegen: byBackend('codegen'),
  };
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 3 : 7;
  const ms = quick ? 200 : 300;
  const workloads = [...personalizationWorkloads(), conformanceWorkload()];
  const rows: string[][] = [['rule set', 'json-logic-js ops/s', 'interpreter ops/s', 'codegen ops/s', 'interpreter ratio', 'codegen ratio']];
  const ratios = new Map<string, number>();
  for (const workload of workloads) {
    const { rates, interpreterRatio, codegenRatio } = compare(workload, rounds, ms);
    ratios.set(workload.name, codegenRatio);
    rows.push([
      workload.name,
      format(rates.reference),
      format(rates.interpreter),
      format(rates.codegen),
      `${interpreterRatio.toFixed(1)}×`,
      `${codegenRatio.toFixed(1)}×`,
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const line = (row: string[]) => `| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join(' | ')} |`;
  console.log(`node ${process.version}; ${rounds} alternating rounds of ~${ms} ms per side after a 300 ms warmup; medians (ratio = median of per-round ratios to json-logic-js)`);
  console.log(line(rows[0]));
  console.log(`|${widths.map((w, col) => (col === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  const personalization = Math.min(...[...ratios].filter(([name]) => name.startsWith('personalization')).map(([, r]) => r));
  const conformance = ratios.get('conformance: 277 rules') ?? 0;
  console.log(
    `targets (codegen): personalization ≥ 15× (lowest here ${personalization.toFixed(1)}×), conformance ≥ 5× (${conformance.toFixed(1)}×)`,
  );
  if (sink === Symbol.for('never')) console.log(sink);
}

main();
