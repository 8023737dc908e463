// The shared JSON client on the edges its emulators do not reach: a budget reset given only as
// a Unix time, answers that are not JSON, and the pure helpers money and dates go through.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoot, decimal, JsonApi, parseDate, readJsonApiConfig } from './json-api';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

describe('JsonApi', () => {
  let server: Server;
  let url: string;
  const answers: Answer[] = [];
  const tokens: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      tokens.push(req.headers.authorization);
      const next = answers.shift();
      if (next) next(req, res);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const api = (config: Record<string, unknown> = {}) =>
    new JsonApi({
      provider: 'Example',
      root: url,
      token: 'secret',
      config: readJsonApiConfig({ retryBaseDelayMs: 1, retryMaxDelayMs: 3_000, ...config }, 100),
      readError: (body) => {
        const message = (body as { message?: unknown }).message;
        return typeof message === 'string' ? { message } : null;
      },
    });

  it('waits for the budget reset when a 429 gives only X-RateLimit-Reset', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    answers.push((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-reset': String(reset) });
      res.end('{"message":"slow down"}');
    });
    const err = (await api({ retryAttempts: 1 })
      .request('GET', '/things')
      .catch((e) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'throttled', message: 'slow down', options: { status: 429 } });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(2_000);

    answers.push((_req, res) => {
      res.writeHead(429, { 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) });
      res.end();
    });
    const started = Date.now();
    await expect(api().request('GET', '/things')).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(tokens.every((t) => t === 'Bearer secret')).toBe(true);
  });

  it('calls an answer that is not JSON, or an error without words, an outage', async () => {
    answers.push((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    await expect(api({ retryAttempts: 1 }).request('GET', '/things')).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'Example answered with something not JSON',
    });
    answers.push((_req, res) => {
      res.writeHead(502);
      res.end('<html>bad gateway</html>');
    });
    await expect(api({ retryAttempts: 1 }).request('GET', '/things')).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'Example answered HTTP 502',
      options: { status: 502 },
    });
  });

  it('sends bodies and queries, and reads an empty answer as nothing', async () => {
    let seen: { url?: string; body?: string } = {};
    answers.push((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        seen = { url: req.url, body: raw };
        res.writeHead(204);
        res.end();
      });
    });
    const out = await api().request('POST', '/things', {
      query: { page: 2, skip: undefined },
      body: { a: 1 },
    });
    expect(out).toBeUndefined();
    expect(seen).toEqual({ url: '/things?page=2', body: '{"a":1}' });
  });
});

describe('helpers', () => {
  it('keeps decimal prices exact, from strings without a float', () => {
    expect(decimal('0.0052000000', 'EUR')).toEqual({ amount: '0.0052', currency: 'EUR' });
    expect(decimal('12345678901234567.1234567891', 'EUR')).toEqual({
      amount: '12345678901234567.1234567891',
      currency: 'EUR',
    });
    expect(decimal(5, 'USD')).toEqual({ amount: '5.0000', currency: 'USD' });
    expect(decimal(0.00744, 'USD')).toEqual({ amount: '0.00744', currency: 'USD' });
    expect(decimal('n/a', 'USD')).toBeUndefined();
    expect(decimal(Number.NaN, 'USD')).toBeUndefined();
  });

  it('reads times with or without a zone as UTC', () => {
    expect(parseDate('2020-10-08T18:51:29')).toEqual(new Date('2020-10-08T18:51:29Z'));
    expect(parseDate('2021-09-01T13:25:48+00:00')).toEqual(new Date('2021-09-01T13:25:48Z'));
    expect(parseDate('not a date')).toBeNull();
    expect(parseDate(null)).toBeNull();
  });

  it('puts the version on an endpoint override once', () => {
    expect(apiRoot(undefined, 'https://api.example.com', 'v4')).toBe('https://api.example.com/v4');
    expect(apiRoot('http://127.0.0.1:9/', 'x', 'v4')).toBe('http://127.0.0.1:9/v4');
    expect(apiRoot('http://127.0.0.1:9/v4/', 'x', 'v4')).toBe('http://127.0.0.1:9/v4');
  });
});
