// Nova's resize, createImage and rebuild actions on the wire: status codes, where the new image's
// id comes (body from microversion 2.45, Location header before), and refusals in Nova's shape.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from './index';

describe('Nova server actions on the emulator', () => {
  let sim: OpenStackSim;
  let token = '';
  let server = '';
  const action = async (body: unknown, microversion?: string) => {
    const res = await fetch(`${sim.url}/RegionOne/compute/v2.1/servers/${server}/action`, {
      method: 'POST',
      headers: {
        'x-auth-token': token,
        'content-type': 'application/json',
        ...(microversion ? { 'openstack-api-version': `compute ${microversion}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    sim = await startOpenStackSim({
      projects: [{ name: 'demo', servers: 1 }],
      users: [{ name: 'demo', password: 'pw', projects: ['demo'] }],
      actionDelayMs: 0,
    });
    const res = await fetch(`${sim.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'pw' } },
          },
          scope: { project: { name: 'demo', domain: { name: 'Default' } } },
        },
      }),
    });
    expect(res.status).toBe(201);
    token = res.headers.get('x-subject-token')!;
    server = [...sim.project('demo').servers.keys()][0]!;
  });
  afterAll(() => sim?.close());

  it('answers createImage with the image id in the body from 2.45 and in Location before', async () => {
    const modern = await action({ createImage: { name: 'a' } }, '2.45');
    expect(modern.status).toBe(202);
    expect(sim.project('demo').images.has(modern.json.image_id)).toBe(true);
    sim.project('demo').settle();
    const old = await action({ createImage: { name: 'b' } });
    expect(old.status).toBe(202);
    expect(old.headers.get('location')).toMatch(/\/image\/v2\/images\/[0-9a-f-]{36}$/);
  });

  it('resizes to VERIFY_RESIZE, confirms with 204, and refuses in Nova’s shape', async () => {
    sim.project('demo').settle();
    expect(await action({ confirmResize: null })).toMatchObject({
      status: 400,
      json: { badRequest: { code: 400, message: 'Instance has not been resized.' } },
    });
    expect((await action({ resize: { flavorRef: '4' } })).status).toBe(202);
    sim.project('demo').settle();
    expect(sim.project('demo').servers.get(server)!.status).toBe('VERIFY_RESIZE');
    expect(await action({ 'os-stop': null })).toMatchObject({
      status: 409,
      json: { conflictingRequest: { code: 409 } },
    });
    expect((await action({ confirmResize: null })).status).toBe(204);
    expect(sim.project('demo').servers.get(server)!).toMatchObject({ status: 'ACTIVE', resize: null });
    expect(await action({ rebuild: { imageRef: 'no-such-image' } })).toMatchObject({
      status: 400,
      json: { badRequest: { message: 'Can not find requested image' } },
    });
  });
});
