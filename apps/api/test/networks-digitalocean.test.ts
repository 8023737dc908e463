import type { DigitalOceanSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud, startDigitalOceanApi } from './support/clouds';
import { send, type TestApi } from './support/harness';

// A DigitalOcean cloud's VPCs and cloud firewalls through the api, against the emulator: VPCs
// without subnets, firewalls that belong to no VPC and reach droplets by id and tag.

const TOKEN = 'do-token-networks-test';
let started: Awaited<ReturnType<typeof startDigitalOceanApi>>;
let api: TestApi;
let sim: DigitalOceanSim;
let cookie: string;
let cloudId: string;
let firewallExternalId: string;

const call = (method: string, url: string, payload?: unknown) => send(api, cookie, method, url, payload);
const account = () => sim.account(TOKEN);
const SSH_WORLD = { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] };

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 3);
  ({ api, ownerCookie: cookie, sim } = started);
  firewallExternalId = account().net.createFirewall({
    name: 'web-edge',
    inbound_rules: [{ protocol: 'tcp', ports: '443', sources: { addresses: ['0.0.0.0/0'] } }],
    tags: ['web'],
  }).id;
  cloudId = await addNetworkedCloud(api, cookie, {
    provider: 'digitalocean',
    title: 'DO',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(() => started?.close());

const firewall = async () =>
  (await call('GET', `/api/v1/firewalls?cloud=${cloudId}`))
    .json()
    .items.find((f: { externalId: string }) => f.externalId === firewallExternalId);

describe('DigitalOcean networks', () => {
  it('lists the default VPC of each region with its droplets, and no subnets', async () => {
    const items = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items;
    expect(items).toHaveLength(3);
    for (const n of items) {
      expect(n).toMatchObject({ isDefault: true, subnetCount: 0, machineCount: 1 });
      expect(n.name).toBe(`default-${n.region}`);
    }
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([]);
    expect(detail.machines[0].machineId).toBeTruthy();
  });

  it('refuses to add a subnet to a VPC with a 400 that says why, and sends nothing', async () => {
    const [network] = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items;
    const before = sim.requestLog.length;
    const res = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'x',
      cidr: '10.0.0.0/24',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('subnets_unsupported');
    expect(res.json().error.message).toMatch(/no subnets/);
    expect(sim.requestLog.length).toBe(before);
  });

  it('shows the firewall with the tagged droplets, and adds SSH to the world only when acknowledged', async () => {
    const fw = await firewall();
    const web = account()
      .listDroplets()
      .filter((d) => d.tags.includes('web'));
    expect(fw.machines.map((m: { name: string }) => m.name)).toEqual(web.map((d) => d.name));
    expect(fw.networkId).toBeNull();

    const refused = await call('POST', `/api/v1/firewalls/${fw.id}/rules`, { rule: SSH_WORLD });
    expect(refused.statusCode).toBe(409);
    const added = await call('POST', `/api/v1/firewalls/${fw.id}/rules`, {
      rule: SSH_WORLD,
      acknowledgeExposure: true,
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(
      account()
        .net.getFirewall(firewallExternalId)
        .inbound.map((r) => r.ports),
    ).toEqual(['443', '22']);
    const exposed = (await call('GET', '/api/v1/firewalls/exposure')).json().machines;
    expect(exposed.map((m: { name: string }) => m.name)).toEqual(web.map((d) => d.name));

    const removed = await call('POST', `/api/v1/firewalls/${fw.id}/rules/remove`, { rule: SSH_WORLD });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(
      account()
        .net.getFirewall(firewallExternalId)
        .inbound.map((r) => r.ports),
    ).toEqual(['443']);
  });

  it('creates a VPC in a region and deletes it; a range DigitalOcean refuses is a 422 in its words', async () => {
    const made = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'staging',
      cidr: '10.60.0.0/20',
      region: 'fra1',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().network).toMatchObject({ name: 'staging', cidr: '10.60.0.0/20', region: 'fra1' });
    const outside = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'public',
      cidr: '8.8.0.0/16',
      region: 'fra1',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.message).toMatch(/private range/);
    expect((await call('DELETE', `/api/v1/networks/${made.json().network.id}`)).statusCode).toBe(204);
    expect([...account().net.vpcs.values()].map((v) => v.name)).not.toContain('staging');
  });
});
