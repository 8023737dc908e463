import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { listenForSockets, seedMachine, startOrgApi, type TestApi, type TestUser } from './support/harness';

let api: TestApi;
let owner: TestUser;
let cookie: string;
let base: string;

beforeAll(async () => {
  ({
    api,
    owner,
    ownerCookie: cookie,
  } = await startOrgApi({
    OVERCAST_LIMITS_REQUEST_BODY_KI_B: '16',
    OVERCAST_LIMITS_TAGS_PER_MACHINE: '5',
    OVERCAST_LIMITS_TAG_KEY_MAX_LENGTH: '20',
    OVERCAST_LIMITS_STREAMS_PER_USER: '2',
  }));
  base = await listenForSockets(api);
});
afterAll(() => api?.close());

const addMachine = () => seedMachine(api.db, owner.organizationId);

const setTags = (id: string, tags: Record<string, string>) =>
  api.app.inject({
    method: 'POST',
    url: `/api/v1/machines/${id}/tags`,
    headers: { cookie, 'content-type': 'application/json' },
    payload: JSON.stringify({ tags }),
  });

const tagKeys = async (id: string) =>
  (await api.db.prisma.tag.findMany({ where: { resourceId: id }, orderBy: { key: 'asc' } })).map(
    (t) => t.key,
  );

describe('request body size', () => {
  it('a body over limits.requestBodyKiB answers 413 saying the limit', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(20 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: { code: 'payload_too_large', message: expect.stringContaining('16 KiB') },
    });
  });
});

describe('tags per machine', () => {
  it('refuses more than limits.tagsPerMachine tags, counting those already set; nothing is written', async () => {
    const id = await addMachine();
    const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`k${n}`, 'v']));
    const tooMany = await setTags(id, six);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({
      code: 'too_many_tags',
      message: expect.stringContaining('at most 5'),
    });
    expect(await tagKeys(id)).toEqual([]);

    expect((await setTags(id, { a: '1', b: '2', c: '3' })).statusCode).toBe(204);
    // Changing a value of a tag already there is fine; three new ones would make six.
    expect((await setTags(id, { a: 'changed', d: '4', e: '5' })).statusCode).toBe(204);
    const more = await setTags(id, { f: '6' });
    expect(more.statusCode).toBe(400);
    expect(more.json().error.code).toBe('too_many_tags');
    expect(await tagKeys(id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a tag key longer than limits.tagKeyMaxLength and a thousand tags in one request', async () => {
    const id = await addMachine();
    const long = await setTags(id, { ['k'.repeat(21)]: 'v' });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('tag_too_long');
    const flood = await setTags(
      id,
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`t${i}`, 'v'])),
    );
    expect(flood.statusCode).toBe(400);
    expect(flood.json().error.code).toBe('too_many_tags');
    expect(await tagKeys(id)).toEqual([]);
  });
});

/** Opens the live stream; resolves with the socket once open, or the HTTP status it was refused with. */
function openStream(): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/api/v1/stream`, { headers: { cookie } });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.once('error', reject);
  });
}

describe('live streams per person', () => {
  it('refuses one more than limits.streamsPerUser with 429, and accepts again once one closes', async () => {
    const first = await openStream();
    const second = await openStream();
    expect(first.ws && second.ws).toBeTruthy();
    const third = await openStream();
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body ?? '{}')).toEqual({
      error: { code: 'too_many_streams', message: expect.stringContaining('2 live streams open') },
    });
    const closed = new Promise((r) => first.ws!.once('close', r));
    first.ws!.close();
    await closed;
    await expect
      .poll(async () => {
        const again = await openStream();
        again.ws?.close();
        return Boolean(again.ws);
      })
      .toBe(true);
    second.ws!.close();
  });
});
