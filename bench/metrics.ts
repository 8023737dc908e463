// pnpm bench metrics [--quick]
// The cost of counting and timing every request (plugins/http-metrics.ts): the same Fastify app
// answering a cheap route with and without the hook, rounds alternating, in one process.
// Target: the hook adds at most a few microseconds per request (requests/s within 10%).
import Fastify from 'fastify';
import type { App } from '../apps/api/src/context';
import { ApiMetrics } from '../apps/api/src/metrics';
import { installHttpMetrics } from '../apps/api/src/plugins/http-metrics';
import { fmt, median, table } from './_support';

const quick = process.argv.includes('--quick');
const REQUESTS = quick ? 5_000 : 20_000;
const ROUNDS = quick ? 3 : 7;

async function cheapApp(withMetrics: boolean) {
  const app = Fastify();
  const metrics = new ApiMetrics();
  if (withMetrics) installHttpMetrics(app as unknown as App, metrics);
  app.get('/api/v1/things/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  await app.ready();
  return { app, metrics };
}

/** Requests per second over REQUESTS sequential injected requests, each to a different id. */
async function rate(app: Awaited<ReturnType<typeof cheapApp>>['app']): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < REQUESTS; i++) await app.inject({ url: `/api/v1/things/${i}` });
  return REQUESTS / ((performance.now() - start) / 1000);
}

async function main() {
  const bare = await cheapApp(false);
  const measured = await cheapApp(true);
  await rate(bare.app);
  await rate(measured.app);
  const without: number[] = [];
  const withHook: number[] = [];
  // Alternating which goes first, so neither always runs on a warmer (or busier) machine.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2) withHook.push(await rate(measured.app));
    without.push(await rate(bare.app));
    if (!(round % 2)) withHook.push(await rate(measured.app));
  }
  const a = median(without);
  const b = median(withHook);
  table([
    ['', 'requests/s (median)', 'µs per request'],
    ['without metrics', fmt(a, 0), fmt(1e6 / a, 1)],
    ['with metrics', fmt(b, 0), fmt(1e6 / b, 1)],
    ['ratio', fmt(b / a, 3), `+${fmt(1e6 / b - 1e6 / a, 1)}`],
  ]);
  // The hook's own work, without Fastify around it: one count and one histogram observation.
  const OBSERVATIONS = 200_000;
  const start = performance.now();
  for (let i = 0; i < OBSERVATIONS; i++)
    measured.metrics.observeRequest('/api/v1/things/:id', 'GET', 200, 1.5);
  console.log(
    `observeRequest: ${fmt(((performance.now() - start) * 1000) / OBSERVATIONS, 2)} µs per request`,
  );
  // Ids in the URL stay out of the series: one route label, whatever was asked for.
  const series = (await measured.metrics.requests.get()).values.length;
  console.log(`series of overcast_http_requests_total after ${REQUESTS * (ROUNDS + 1)} requests: ${series}`);
  await bare.app.close();
  await measured.app.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
