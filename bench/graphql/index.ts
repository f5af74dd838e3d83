/**
 * GraphQL personalization's cost (`npm run bench -- graphql`; docs/delivery.md, "GraphQL"): one
 * playground instance in a child process, the demo article, and the same query to /graphql
 * (read-only API token, the article with its author) with the signals and a phone's User-Agent,
 * warm (personalized, the mobile variant from the response cache), and without any personalization
 * header (Strapi's own resolvers alone). autocannon alternates between the two for several rounds
 * and sums each one's requests/s. Prints both and the ratio (target ≥ 0.9), and the instance's CPU
 * time per request of each (user + system from /proc/<pid>/stat over that query's rounds), which
 * other work on a shared machine moves much less than requests/s.
 */
import fs from 'node:fs';
import os from 'node:os';

import autocannon from 'autocannon';
import { demoArticleId, startBenchPlayground } from '../helpers/playground';


const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const SIGNALS = Buffer.from(JSON.stringify({ behavior: { quickExits: 1 } })).toString('base64url');
const QUERY = 'query($id: ID!) { article(documentId: $id) { documentId title summary cta discountPercent author { name } } }';

const main = async () => {
  const playground = await startBenchPlayground('graphql');
  const { instance } = playground;
  try {
    const documentId = await demoArticleId(instance);
    const auth = { authorization: `Bearer ${await instance.createApiToken('read-only')}`, 'content-type': 'application/json', 'user-agent': MOBILE_UA };
    const body = JSON.stringify({ query: QUERY, variables: { id: documentId } });
    const requests = {
      plain: { method: 'POST' as const, path: '/graphql', headers: auth, body },
      personalized: { method: 'POST' as const, path: '/graphql', headers: { ...auth, 'x-personalize-signals': SIGNALS }, body },
    };
    const probe = await fetch(`${instance.url}/graphql`, { method: 'POST', headers: requests.personalized.headers, body });
    const probeBody = (await probe.json()) as { data?: { article?: { title?: string } } };
    if (probeBody.data?.article?.title !== 'Still deciding? Here is 10% off') throw new Error(`the query does not hit the variant: ${JSON.stringify(probeBody)}`);
    const run = (which: keyof typeof requests, duration: number) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon({ url: instance.url, connections: CONNECTIONS, duration, requests: [requests[which]] }, (error, result) =>
          error ? reject(error) : resolve(result)
        );
      });
    await run('plain', 3);
    await run('personalized', 3);
    const totals = { plain: { requests: 0, seconds: 0, cpu: 0 }, personalized: { requests: 0, seconds: 0, cpu: 0 } };
    /** The instance's CPU time so far (user + system, in clock ticks of 10 ms). */
    const cpuSeconds = () => {
      const stat = fs.readFileSync(`/proc/${instance.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (['plain', 'personalized'] as const) : (['personalized', 'plain'] as const);
      for (const which of order) {
        const cpuBefore = cpuSeconds();
        const result = await run(which, ROUND_SEC);
        if (result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${which}: ${result.errors} errors, ${result.non2xx} non-2xx`);
        totals[which].cpu += cpuSeconds() - cpuBefore;
        totals[which].requests += result.requests.total;
        totals[which].seconds += result.duration;
      }
    }
    const rps = { plain: totals.plain.requests / totals.plain.seconds, personalized: totals.personalized.requests / totals.personalized.seconds };
    console.log(`GraphQL query, no personalization header: ${rps.plain.toFixed(0)} req/s`);
    console.log(`GraphQL query, signals, warm:             ${rps.personalized.toFixed(0)} req/s`);
    console.log(`ratio: ${(rps.personalized / rps.plain).toFixed(3)} (target ≥ 0.9), ${ROUNDS} alternating rounds of ${ROUND_SEC} s, ${CONNECTIONS} connections`);
    const cpu = {
      plain: (totals.plain.cpu / totals.plain.requests) * 1e3,
      personalized: (totals.personalized.cpu / totals.personalized.requests) * 1e3,
    };
    console.log(
      `CPU per request: ${cpu.plain.toFixed(2)} ms without personalization, ${cpu.personalized.toFixed(2)} ms with; ratio ${(cpu.plain / cpu.personalized).toFixed(3)}`
    );
    console.log(`load average: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  } finally {
    await playground.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
