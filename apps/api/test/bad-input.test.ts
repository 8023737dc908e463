import { randomUUID } from 'node:crypto';
import { ERROR_CODES } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, type TestApi, uniqueIp } from './support/harness';

// Walks every operation in the OpenAPI document with hostile input. Nothing may answer
// 500, every error must have the one error shape, and no row may be written.

interface Operation {
  method: string;
  path: string;
  bodySchema?: JsonSchema;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

let api: TestApi;
let cookie: string;
let operations: Operation[];

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' });
  const user = await createOrgWithUser(api.db);
  cookie = await login(api, user);
  const doc = (await api.app.inject({ url: '/api/openapi.json' })).json();
  operations = Object.entries(
    doc.paths as Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >,
  ).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      bodySchema: op.requestBody?.content['application/json']?.schema,
    })),
  );
});
afterAll(() => api.close());

const fillPath = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

function wrongValue(schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    default:
      return 'not an object';
  }
}

function validishBody(schema: JsonSchema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    body[key] =
      prop.type === 'string'
        ? 'x@example.com'
        : prop.type === 'boolean'
          ? true
          : prop.type === 'array'
            ? []
            : 1;
  }
  return body;
}

async function send(op: Operation, payload: string, path = op.path) {
  return api.app.inject({
    method: op.method as 'POST',
    url: fillPath(path, randomUUID()),
    headers: { cookie, 'content-type': 'application/json' },
    payload,
    remoteAddress: uniqueIp(),
  });
}

function expectErrorShape(res: { statusCode: number; json: () => unknown }, what: string) {
  expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, what).toBeLessThan(500);
  const { error } = res.json() as { error: { code: string; message: string; field?: string } };
  expect(error, what).toEqual({
    code: expect.any(String),
    message: expect.any(String),
    // A schema error names the input at fault, so the web can show the message beside it.
    ...(error.code === 'validation_failed' ? { field: expect.stringMatching(/^(body|query|params)\b/) } : {}),
  });
  expect(ERROR_CODES, what).toContain(error.code);
}

async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await api.db.pool.query<{ relname: string }>(
    "SELECT relname FROM pg_stat_user_tables WHERE relname NOT IN ('audit_events', '_prisma_migrations') ORDER BY relname",
  );
  const counts: Record<string, number> = {};
  for (const { relname } of rows) {
    counts[relname] = Number(
      (await api.db.pool.query(`SELECT count(*)::int AS n FROM "${relname}"`)).rows[0].n,
    );
  }
  return counts;
}

describe('every route, hostile input', () => {
  it('the OpenAPI document has operations to walk', () => {
    expect(operations.length).toBeGreaterThanOrEqual(4);
  });

  it('bodies: wrong types, missing fields, unknown fields, 2 MB, malformed JSON, not an object -> 4xx, nothing written', async () => {
    const before = await rowCounts();
    const withBody = operations.filter((op) => op.bodySchema);
    expect(withBody.length).toBeGreaterThan(0);
    for (const op of withBody) {
      const schema = op.bodySchema!;
      const name = `${op.method} ${op.path}`;
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        const res = await send(op, JSON.stringify({ ...validishBody(schema), [key]: wrongValue(prop) }));
        expect(res.statusCode, `${name} wrong type for ${key}`).toBe(400);
        expectErrorShape(res, `${name} wrong type for ${key}`);
      }
      if (schema.required?.length) {
        const res = await send(op, '{}');
        expect(res.statusCode, `${name} missing fields`).toBe(400);
        expect(res.json().error.message).toContain('missing the field');
      }
      const unknown = await send(op, JSON.stringify({ ...validishBody(schema), surprise: true }));
      expect(unknown.statusCode, `${name} unknown field`).toBe(400);
      expect(unknown.json().error.message).toContain('"surprise"');
      const huge = await send(op, JSON.stringify({ blob: 'a'.repeat(2 * 1024 * 1024) }));
      expect(huge.statusCode, `${name} 2 MB`).toBe(413);
      expectErrorShape(huge, `${name} 2 MB`);
      const malformed = await send(op, '{"email": ');
      expect(malformed.statusCode, `${name} malformed`).toBe(400);
      expect(malformed.json().error.code).toBe('invalid_json');
      expectErrorShape(await send(op, '[1,2,3]'), `${name} array body`);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('routes without a body answer 2 MB and malformed payloads without a 500', async () => {
    for (const op of operations.filter((o) => !o.bodySchema)) {
      for (const payload of ['{"a": ', JSON.stringify({ blob: 'a'.repeat(2 * 1024 * 1024) })]) {
        const res = await send(op, payload);
        expect(res.statusCode, `${op.method} ${op.path}`).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res, `${op.method} ${op.path}`);
      }
    }
  });

  it('path ids that are not UUIDs are a 400, unknown ones a 404', async () => {
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      const bad = await api.app.inject({
        method: op.method as 'GET',
        url: fillPath(op.path, 'not-a-uuid'),
        headers: { cookie },
      });
      expect(bad.statusCode, `${op.method} ${op.path}`).toBe(400);
      expectErrorShape(bad, op.path);
    }
  });

  it('unknown API paths answer 404 in the error shape', async () => {
    const res = await api.app.inject({ url: '/api/v1/definitely-not-a-route', headers: { cookie } });
    expect(res.statusCode).toBe(404);
    expectErrorShape(res, 'unknown path');
  });
});

describe('OpenAPI', () => {
  it('lists every API route the server has', async () => {
    const documented = new Set(
      operations.map((op) => `${op.method} ${op.path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const served = api.app.routeTable
      .filter(
        (r) =>
          (r.url.startsWith('/api/v1/') || r.url === '/healthz' || r.url === '/readyz') &&
          r.method !== 'HEAD',
      )
      .map((r) => `${r.method} ${r.url}`);
    expect(served.length).toBeGreaterThanOrEqual(5);
    for (const route of served) expect(documented, route).toContain(route);
  });

  it('compresses large answers for clients that accept it', async () => {
    const plain = await api.app.inject({ url: '/api/openapi.json' });
    const br = await api.app.inject({ url: '/api/openapi.json', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    const small = await api.app.inject({ url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('serves a docs page', async () => {
    const res = await api.app.inject({ url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});

describe('NUL bytes', () => {
  const nulError = (field: string) => ({
    error: { code: 'invalid_input', message: expect.stringContaining('contains a NUL byte'), field },
  });

  it('in a query, path, body string, body key or header: 400 naming the field, nothing written', async () => {
    const before = await rowCounts();
    const cases: {
      url: string;
      method?: 'POST';
      payload?: unknown;
      headers?: Record<string, string>;
      field: string;
    }[] = [
      { url: '/api/v1/audit?resource=a%00b', field: 'query.resource' },
      { url: '/api/v1/audit/export?format=csv&action=x%00', field: 'query.action' },
      { url: '/api/v1/machines?q=%00', field: 'query.q' },
      { url: `/api/v1/machines/${randomUUID()}%00`, field: 'params.id' },
      { url: '/api/v1/teams', method: 'POST', payload: { name: 'ops\u0000' }, field: 'body.name' },
      {
        url: `/api/v1/machines/${randomUUID()}/tags`,
        method: 'POST',
        payload: { tags: { env: ['x', 'y\u0000'] } },
        field: 'body.tags.env[1]',
      },
      {
        url: `/api/v1/machines/${randomUUID()}/tags`,
        method: 'POST',
        payload: { tags: { 'e\u0000nv': 'x' } },
        field: 'body.tags.e\\0nv',
      },
      {
        url: '/api/v1/me',
        headers: { 'x-overcast-organization': 'a\u0000b' },
        field: 'headers.x-overcast-organization',
      },
    ];
    for (const c of cases) {
      const res = await api.app.inject({
        method: c.method ?? 'GET',
        url: c.url,
        headers: { cookie, 'content-type': 'application/json', ...c.headers },
        ...(c.payload ? { payload: JSON.stringify(c.payload) } : {}),
        remoteAddress: uniqueIp(),
      });
      expect(res.statusCode, c.field).toBe(400);
      expect(res.json(), c.field).toEqual(nulError(c.field));
    }
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'user-agent': 'curl\u0000' },
      payload: { email: 'x@example.com', password: 'pw' },
      remoteAddress: uniqueIp(),
    });
    expect(login.json()).toEqual(nulError('headers.user-agent'));
    expect(await rowCounts()).toEqual(before);
  });

  it('every operation refuses a NUL byte in each string field of its body', async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const schema = op.bodySchema!;
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (prop.type !== 'string') continue;
        const res = await send(op, JSON.stringify({ ...validishBody(schema), [key]: 'a\u0000' }));
        expect(res.json(), `${op.method} ${op.path} ${key}`).toEqual(nulError(`body.${key}`));
      }
    }
  });
});
