import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow, startPromptGce } from './support/clouds';
import { send, startOrgApi, type TestApi } from './support/harness';

// A Compute Engine cloud's networks through the api, against the emulator: firewall rules
// belong to a network and reach machines by target tag, subnetworks are regional.

let api: TestApi;
let gce: Awaited<ReturnType<typeof startPromptGce>>['gce'];
let cookie: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown) => send(api, cookie, method, url, payload);
const project = () => gce.project('net-api');
const HTTP_ALT = {
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 8443,
  toPort: 8443,
  cidrs: ['198.51.100.0/24'],
};

beforeAll(async () => {
  ({ api, ownerCookie: cookie } = await startOrgApi());
  const started = await startPromptGce('net-api', 3);
  gce = started.gce;
  const res = await call('POST', '/api/v1/clouds', started.cloud());
  expect(res.statusCode, res.body).toBe(201);
  cloudId = res.json().id;
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(api, cloudId, 'networks')).status).toBe('ok');
}, 120_000);
afterAll(async () => {
  await gce.close();
  await api.close();
});

const firewallOf = async (externalId: string) =>
  (await call('GET', `/api/v1/firewalls?cloud=${cloudId}`))
    .json()
    .items.find((f: { externalId: string }) => f.externalId === externalId);

describe('Compute Engine networks', () => {
  it('lists the default network with its regional subnetworks and every machine in it', async () => {
    const [network] = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items;
    expect(network).toMatchObject({ name: 'default', isDefault: true, cidr: null, machineCount: 3 });
    const detail = (await call('GET', `/api/v1/networks/${network.id}`)).json();
    expect(detail.subnets.length).toBe(project().net.regions.length);
    expect(detail.machines.every((m: { machineId: string | null }) => m.machineId)).toBe(true);
    expect(detail.firewalls.map((f: { name: string }) => f.name)).toEqual(['default: all instances']);
  });

  it('warns that the default rules open SSH and RDP to the world, and lists the machines they expose', async () => {
    const firewall = await firewallOf('default');
    expect(firewall.warnings).toHaveLength(2);
    expect(firewall.machines).toHaveLength(3);
    const ssh = (await call('GET', '/api/v1/firewalls/exposure')).json();
    expect(ssh.machines).toHaveLength(3);
    expect(ssh.machines[0].firewalls).toEqual([{ id: firewall.id, name: 'default: all instances' }]);
    expect((await call('GET', '/api/v1/firewalls/exposure?port=3389')).json().machines).toHaveLength(3);
  });

  it('adds a rule as a Compute Engine firewall rule on the network, and removes it', async () => {
    const firewall = await firewallOf('default');
    const before = project().net.firewalls.size;
    const added = await call('POST', `/api/v1/firewalls/${firewall.id}/rules`, { rule: HTTP_ALT });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().firewall.rules).toContainEqual(HTTP_ALT);
    const made = [...project().net.firewalls.values()].find((f) =>
      f.sourceRanges.includes('198.51.100.0/24'),
    );
    expect(made).toMatchObject({ network: 'default', allowed: [{ IPProtocol: 'tcp', ports: ['8443'] }] });

    const removed = await call('POST', `/api/v1/firewalls/${firewall.id}/rules/remove`, { rule: HTTP_ALT });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().rules).not.toContainEqual(HTTP_ALT);
    expect(project().net.firewalls.size).toBe(before);
  });

  it('creates a network in a region with its range, adds and deletes a subnetwork, then deletes it', async () => {
    const made = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'staging',
      cidr: '10.60.0.0/20',
      region: 'us-central1',
    });
    expect(made.statusCode, made.body).toBe(201);
    const { network, subnets } = made.json();
    expect(network).toMatchObject({ name: 'staging', isDefault: false, subnetCount: 1 });
    expect(subnets).toMatchObject([{ name: 'staging', cidr: '10.60.0.0/20', location: 'us-central1' }]);

    const added = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'staging-eu',
      cidr: '10.61.0.0/24',
      location: 'europe-west1-b',
    });
    expect(added.statusCode, added.body).toBe(201);
    const eu = added.json().subnets.find((s: { name: string }) => s.name === 'staging-eu');
    expect(eu.location).toBe('europe-west1');

    // Overlapping ranges are Compute Engine's refusal, in its words.
    const clash = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'clash',
      cidr: '10.60.8.0/24',
      location: 'us-central1',
    });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().error.message).toMatch(/conflicts with existing subnetwork 'staging'/);

    for (const s of added.json().subnets) {
      expect((await call('DELETE', `/api/v1/networks/${network.id}/subnets/${s.id}`)).statusCode).toBe(204);
    }
    expect((await call('DELETE', `/api/v1/networks/${network.id}`)).statusCode).toBe(204);
    expect(project().net.networks.has('staging')).toBe(false);
  });

  it('says a network needs a region where subnetworks are regional, and makes nothing', async () => {
    const res = await call('POST', '/api/v1/networks', { cloudId, name: 'nowhere', cidr: '10.70.0.0/20' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/name a region/);
    expect(project().net.networks.has('nowhere')).toBe(false);
  });
});
