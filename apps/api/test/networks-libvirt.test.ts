import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// A libvirt cloud's networks through the api, against libvirt's test driver (test:///default: the
// 'default' NAT network with the running domain "test" on it). libvirt has networks but no
// firewalls: asking for them is a 400 that says so, never an empty list or a call to the host.

let org: Awaited<ReturnType<typeof startOrgApi>>;
let viewer: string;
let stranger: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const db = () => org.api.db.prisma;

beforeAll(async () => {
  org = await startOrgApi();
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  const res = await call('POST', '/api/v1/clouds', {
    provider: 'libvirt',
    title: 'kvm lab',
    credentials: {},
    config: { uri: 'test:///default' },
  });
  expect(res.statusCode, res.body).toBe(201);
  cloudId = res.json().id;
  expect((await pollNow(org.api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(org.api, cloudId, 'networks')).status).toBe('ok');
}, 60_000);
afterAll(() => org?.api.close());

describe('libvirt networks', () => {
  it("lists the host's network with its range and the domain on it", async () => {
    const list = await call('GET', `/api/v1/networks?cloud=${cloudId}`, undefined, viewer);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        cloudId,
        cloudTitle: 'kvm lab',
        name: 'default',
        cidr: '192.168.122.0/24',
        isDefault: true,
        subnetCount: 0,
        machineCount: 1,
      }),
    ]);
    const detail = (await call('GET', `/api/v1/networks/${list.json().items[0].id}`)).json();
    expect(detail.machines).toEqual([expect.objectContaining({ name: 'test' })]);
    expect(detail.machines[0].machineId).toBeTruthy();
    expect(detail.firewalls).toEqual([]);
    expect(detail.subnets).toEqual([]);
  });

  it('answers 400 firewalls_unsupported for its firewalls, and only to its own organization', async () => {
    const res = await call('GET', `/api/v1/firewalls?cloud=${cloudId}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('firewalls_unsupported');
    expect(res.json().error.message).toMatch(/kvm lab has no firewalls.*on the host/);
    // Another organization learns nothing about the cloud: its list is just empty.
    const foreign = await call('GET', `/api/v1/firewalls?cloud=${cloudId}`, undefined, stranger);
    expect(foreign.statusCode).toBe(200);
    expect(foreign.json().items).toEqual([]);
    // The firewalls of every cloud and the dashboard's exposure card still answer.
    expect((await call('GET', '/api/v1/firewalls')).statusCode).toBe(200);
    const exposure = await call('GET', '/api/v1/firewalls/exposure');
    expect(exposure.statusCode).toBe(200);
    expect(exposure.json()).toEqual({ port: 22, machines: [] });
  });

  it('refuses a rule change on a firewall row of such a cloud, and the next poll drops the row', async () => {
    const row = await db().firewall.create({
      data: {
        organizationId: org.owner.organizationId,
        cloudId,
        externalId: 'left-over',
        name: 'left-over',
        description: '',
        rules: [],
        machineIds: [],
      },
    });
    const rule = { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['10.0.0.0/8'] };
    const res = await call('POST', `/api/v1/firewalls/${row.id}/rules`, { rule });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('firewalls_unsupported');
    expect(await db().auditEvent.count({ where: { resourceId: row.id } })).toBe(0);
    expect((await pollNow(org.api, cloudId, 'networks')).status).toBe('ok');
    expect(await db().firewall.count({ where: { cloudId } })).toBe(0);
  });

  it("refuses to delete the host's default network, and a viewer's create", async () => {
    const [net] = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items;
    const del = await call('DELETE', `/api/v1/networks/${net.id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.code).toBe('default_network');
    const create = await call(
      'POST',
      '/api/v1/networks',
      { cloudId, name: 'lab', cidr: '10.20.0.0/24' },
      viewer,
    );
    expect(create.statusCode).toBe(403);
    const bad = await call('POST', '/api/v1/networks', { cloudId, name: 'lab', cidr: '10.20.0.1/24' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.cidr');
  });
});
