import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../../../test/support/prometheus';
import {
  createOrgWithUser,
  login,
  seedMachine,
  send,
  startTestApi,
  type TestApi,
  type TestUser,
} from './support/harness';

// /metrics on the api: off without metrics.token, guarded by it when set, and counting requests
// by the template of their route, so ids never become series of their own.

const TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const logLines: string[] = [];
let api: TestApi;
let owner: TestUser;
let cookie: string;

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_METRICS_TOKEN: TOKEN }, { write: (line) => logLines.push(line) });
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);
});
afterAll(() => api.close());

const scrape = async (token = TOKEN) => {
  const res = await api.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
};

describe('/metrics on the api', () => {
  it('is off without a token: 404, saying how to turn it on', async () => {
    const off = await startTestApi();
    try {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
        const res = await off.app.inject({ url: '/metrics', headers });
        expect(res.statusCode).toBe(404);
        expect(res.json().error).toEqual({
          code: 'not_found',
          message: expect.stringContaining('metrics.token'),
        });
      }
    } finally {
      await off.close();
    }
  });

  it('refuses a missing, wrong or malformed token with 401 and the usual error body', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
      TOKEN,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      const res = await api.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, String(authorization).slice(0, 40)).toBe(401);
      expect(res.json().error).toEqual({
        code: 'metrics_token_refused',
        message: expect.stringContaining('metrics.token'),
      });
      expect(res.body).not.toContain('overcast_http_requests_total');
    }
  });

  it('answers the right token in the Prometheus text format, with HELP for each metric', async () => {
    const res = await api.app.inject({ url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types } = parseExposition(res.body);
    for (const name of [
      'overcast_http_requests_total',
      'overcast_http_request_duration_seconds',
      'overcast_open_event_streams',
      'overcast_open_terminals',
      'overcast_process_resident_memory_bytes',
    ]) {
      expect(types.has(name), name).toBe(true);
      expect(res.body).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    // Every metric is ours: no unprefixed name leaks in from a library.
    expect([...types.keys()].filter((n) => !n.startsWith('overcast_'))).toEqual([]);
  });

  it('counts a request under its route template, never the id in the URL', async () => {
    const machineId = await seedMachine(api.db, owner.organizationId);
    const missing = randomUUID();
    const route = '/api/v1/machines/:id';
    const before = await scrape();
    const ok = (n: string) =>
      sampleValue(n, 'overcast_http_requests_total', { route, method: 'GET', status: '200' }) ?? 0;
    const notFound = (n: string) =>
      sampleValue(n, 'overcast_http_requests_total', { route, method: 'GET', status: '404' }) ?? 0;
    expect((await send(api, cookie, 'GET', `/api/v1/machines/${machineId}`)).statusCode).toBe(200);
    expect((await send(api, cookie, 'GET', `/api/v1/machines/${machineId}`)).statusCode).toBe(200);
    expect((await send(api, cookie, 'GET', `/api/v1/machines/${missing}`)).statusCode).toBe(404);
    const after = await scrape();
    expect(ok(after) - ok(before)).toBe(2);
    expect(notFound(after) - notFound(before)).toBe(1);
    expect(
      sampleValue(after, 'overcast_http_request_duration_seconds_count', { route, method: 'GET' }),
    ).toBeGreaterThanOrEqual(3);
    expect(after).not.toContain(machineId);
    expect(after).not.toContain(missing);
    // Paths no route serves share one label, whatever they are.
    await send(api, cookie, 'GET', `/api/v1/no-such-thing/${missing}`);
    const unmatched = await scrape();
    expect(unmatched).not.toContain(missing);
    expect(
      sampleValue(unmatched, 'overcast_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('follows the open event streams', async () => {
    const open = async () => sampleValue(await scrape(), 'overcast_open_event_streams');
    expect(await open()).toBe(0);
    const stream = await api.app.injectWS('/api/v1/stream', { headers: { cookie } });
    await expect.poll(open).toBe(1);
    stream.terminate();
    await expect.poll(open).toBe(0);
  });

  it('never writes the token to the log', async () => {
    await scrape();
    await api.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}-wrong` } });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });
});
