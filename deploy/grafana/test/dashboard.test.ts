import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../apps/api/test/support/harness';
import { type MetricsWorker, startMetricsWorker } from '../../../apps/worker/test/support/metrics-worker';
import { exportedNames } from '../../../test/support/prometheus';

// The shipped Grafana dashboard asks only for metrics the api and the worker really export: the
// names in its queries are held to a live /metrics of each, so a renamed metric fails here.

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../overcast-dashboard.json'), 'utf8'),
) as { uid: string; templating: { list: { name: string; type: string; query: string }[] }; panels: Panel[] };

const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

let api: TestApi;
let worker: MetricsWorker;

beforeAll(async () => {
  worker = await startMetricsWorker();
  api = await startTestApi({ OVERCAST_METRICS_TOKEN: worker.token });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

describe('the Grafana dashboard', () => {
  it('reads from a Prometheus data source chosen by a variable', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax.
    const uid = '${datasource}';
    for (const p of panels) expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid });
  });

  it('covers requests, errors, latency, queues, polls, terminals, streams and rules', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const name of [
      'overcast_http_requests_total',
      'overcast_http_request_duration_seconds_bucket',
      'overcast_queue_jobs',
      'overcast_poll_duration_seconds',
      'overcast_poll_failures_total',
      'overcast_open_terminals',
      'overcast_open_event_streams',
      'overcast_rule_evaluation_duration_seconds',
    ])
      expect(all, name).toContain(name);
    expect(all).toMatch(/histogram_quantile\(0\.99,/);
  });

  it('uses only metric names the api and the worker export', async () => {
    const res = await api.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${worker.token}` },
    });
    expect(res.statusCode).toBe(200);
    const exported = new Set([...exportedNames(res.body), ...exportedNames(await worker.scrape())]);
    expect(exported.size).toBeGreaterThan(20);
    const unknown = queries.flatMap(({ panel, expr }) => {
      const names = [...expr.matchAll(/\b(overcast_\w+)/g)].map((m) => m[1]!);
      if (names.length === 0) return [`${panel}: no Overcast metric in ${expr}`];
      return names.filter((n) => !exported.has(n)).map((n) => `${panel}: ${n}`);
    });
    expect(unknown).toEqual([]);
  });
});
