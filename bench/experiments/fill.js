/**
 * Preloaded (`node --require`) into the benchmark's Strapi child process by bench/experiments: fills
 * an experiment's counts the way real traffic does, through the plugin's own counting code in that
 * process (whichever its visitor store: in-process or Redis). For each visitor of a chunk sent by the
 * parent over IPC: their first exposure, `visitors.recordExposures` at the given time (the cohort's
 * day), then, for those who converted, their `track` events applied by `visitors.ingest` (with
 * consent) as an events batch received at that time would be. Answers with what was counted.
 */
const { randomBytes } = require('node:crypto');

const CONCURRENCY = 64;

const fillChunk = async (message) => {
  const visitors = global.strapi.plugin('personalize').service('visitors');
  let exposed = 0;
  let batches = 0;
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < message.visitors.length) {
      const visitor = message.visitors[next++];
      try {
        if (await visitors.recordExposures(visitor.id, [{ key: message.experiment, arm: visitor.arm, period: 0 }], visitor.at)) {
          exposed += 1;
        }
        if (visitor.events.length === 0) continue;
        const receivedAt = Math.max(...visitor.events.map((event) => event.at));
        const outcome = await visitors.ingest({
          visitorId: visitor.id,
          batchId: `bench-fill-${randomBytes(8).toString('hex')}`,
          events: visitor.events.map((event) => ({
            id: `bench-fill-${randomBytes(8).toString('hex')}`,
            ts: event.at,
            type: 'track',
            name: event.name,
            ...(event.value !== undefined ? { value: event.value } : {}),
            at: event.at,
          })),
          receivedAt,
          consent: { events: true, profiling: true },
        });
        if (outcome.status === 'applied') batches += 1;
        else failures.push(`${visitor.id}: ${outcome.status}`);
      } catch (error) {
        failures.push(`${visitor.id}: ${error && error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { exposed, batches, failures: failures.slice(0, 5), failed: failures.length };
};

process.on('message', (message) => {
  if (!message || message.type !== 'bench-fill') return;
  fillChunk(message).then(
    (result) => process.send({ type: 'bench-fill-done', ...result }),
    (error) => process.send({ type: 'bench-fill-done', exposed: 0, batches: 0, failures: [String(error)], failed: 1 })
  );
});
