// The Compute Engine driver's networks against the emulator: networks, subnetworks and firewall
// rules through @google-cloud/compute's REST transport, with their global and regional operations.

import { generateKeyPairSync } from 'node:crypto';
import { type FirewallRule, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { firewallNetworkDriver, type SubnetFirewallDriver } from '../common/test-support/network-driver';
import { createGceDriver } from './index';

const EMAIL = 'net@proj-n.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let sim: GceSim;
/** These drivers make subnets too. */
let driver: SubnetFirewallDriver;
const signal = () => new AbortController().signal;

beforeAll(async () => {
  sim = await startGceSim({
    serviceAccounts: [{ email: EMAIL, projects: ['proj-n'], publicKey: keys.publicKey }],
    projects: [{ id: 'proj-n', instances: 4, zones: ['us-central1-a', 'europe-west1-b'] }],
    operationMs: 5,
  });
  const d = createGceDriver({
    credentials: {
      serviceAccount: {
        type: 'service_account',
        project_id: 'proj-n',
        private_key: keys.privateKey,
        client_email: EMAIL,
        token_uri: sim.tokenUri,
      },
    },
    endpoint: sim.url,
    config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, requestTimeoutMs: 5_000 },
  });
  driver = firewallNetworkDriver(d, 'the Compute Engine driver') as SubnetFirewallDriver;
});
afterAll(() => sim.close());

const web: FirewallRule = {
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 8080,
  toPort: 8081,
  cidrs: ['10.9.0.0/16'],
};

describe('Compute Engine networks through the emulator', () => {
  it('lists the default network, its regional subnetworks and the machines in each', async () => {
    const [network] = await driver.listNetworks(signal());
    const all = ['us-central1-a', 'europe-west1-b'].flatMap((z) =>
      [...sim.project('proj-n').instances.values()].filter((i) => i.zone === z).map((i) => `${z}/${i.name}`),
    );
    expect(network).toMatchObject({
      externalId: 'default',
      isDefault: true,
      cidr: null,
      extra: { mode: 'auto' },
    });
    expect(new Set(network!.machineIds)).toEqual(new Set(all));

    const subnets = await driver.listSubnets(signal());
    expect(subnets.map((s) => [s.externalId, s.cidr, s.networkId]).sort()).toEqual([
      ['europe-west1/default', '10.132.0.0/20', 'default'],
      ['us-central1/default', '10.128.0.0/20', 'default'],
    ]);
    const central = subnets.find((s) => s.location === 'us-central1')!;
    expect(central.machineIds.sort()).toEqual(all.filter((id) => id.startsWith('us-central1-a/')).sort());
  });

  it("shows the default rules as the network's firewall, SSH and RDP open to the world", async () => {
    const firewalls = await driver.listFirewalls(signal());
    const all = firewalls.find((f) => f.externalId === 'default')!;
    expect(all.name).toBe('default: all instances');
    expect(all.networkId).toBe('default');
    expect(all.rules).toEqual(
      expect.arrayContaining([
        { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] },
        { direction: 'ingress', protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrs: ['0.0.0.0/0'] },
        { direction: 'ingress', protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['10.128.0.0/9'] },
        { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'] },
      ]),
    );
    expect(all.machineIds).toHaveLength(4);
  });

  it('adds a rule for tagged instances only, and takes it away again', async () => {
    const project = sim.project('proj-n');
    const tagged = [...project.instances.values()].filter((i) => i.networkTags.includes('http-server'));
    expect(tagged.length).toBeGreaterThan(0);

    await driver.addFirewallRule('default#http-server', web);
    const made = [...project.net.firewalls.values()].find((f) => f.targetTags.includes('http-server'))!;
    expect(made).toMatchObject({
      network: 'default',
      direction: 'INGRESS',
      sourceRanges: ['10.9.0.0/16'],
      allowed: [{ IPProtocol: 'tcp', ports: ['8080-8081'] }],
    });
    const group = (await driver.listFirewalls(signal())).find((f) => f.externalId === 'default#http-server')!;
    expect(group.rules).toEqual([web]);
    expect(group.machineIds.sort()).toEqual(tagged.map((i) => `${i.zone}/${i.name}`).sort());

    await expect(driver.addFirewallRule('default#http-server', web)).rejects.toMatchObject({
      kind: 'conflict',
    });
    await driver.removeFirewallRule('default#http-server', web);
    expect(project.net.firewalls.has(made.name)).toBe(false);
  });

  it('removes one port of a rule that holds several, keeping the rest', async () => {
    const project = sim.project('proj-n');
    project.net.insertFirewall({
      name: 'two-ports',
      network: 'global/networks/default',
      allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }],
      sourceRanges: ['192.0.2.0/24'],
    });
    await driver.removeFirewallRule('default', {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 80,
      toPort: 80,
      cidrs: ['192.0.2.0/24'],
    });
    expect(project.net.getFirewall('two-ports').allowed).toEqual([{ IPProtocol: 'tcp', ports: ['443'] }]);
    await expect(
      driver.removeFirewallRule('default', { ...web, fromPort: 1, toPort: 1 }),
    ).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('creates a custom network with its first subnetwork, adds and deletes subnets, then deletes it', async () => {
    const created = await driver.createNetwork({
      name: 'blue',
      cidr: '10.20.0.0/20',
      region: 'us-central1-a',
    });
    expect(created.externalId).toBe('blue');
    const project = sim.project('proj-n');
    expect(project.net.getNetwork('blue').autoCreateSubnetworks).toBe(false);
    expect(project.net.getSubnetwork('us-central1', 'blue').ipCidrRange).toBe('10.20.0.0/20');

    const subnet = await driver.createSubnet({
      networkId: 'blue',
      name: 'blue-eu',
      cidr: '10.21.0.0/24',
      location: 'europe-west1',
    });
    expect(subnet.externalId).toBe('europe-west1/blue-eu');
    const overlap = await driver
      .createSubnet({ networkId: 'blue', name: 'clash', cidr: '10.20.4.0/24', location: 'europe-west1' })
      .catch((e: unknown) => e);
    expect(overlap).toBeInstanceOf(ProviderError);
    expect((overlap as ProviderError).kind).toBe('invalid');
    expect((overlap as ProviderError).message).toMatch(/conflicts with existing subnetwork 'blue'/);

    // A firewall on the network keeps it from being deleted, as Compute Engine refuses.
    await driver.addFirewallRule('blue', { ...web, cidrs: ['0.0.0.0/0'] });
    const inUse = await driver.deleteNetwork('blue').catch((e: unknown) => e);
    expect((inUse as ProviderError).kind).toBe('conflict');
    expect((inUse as ProviderError).message).toMatch(/already being used by/);
    await driver.removeFirewallRule('blue', { ...web, cidrs: ['0.0.0.0/0'] });

    await driver.deleteSubnet('europe-west1/blue-eu');
    await driver.deleteSubnet('us-central1/blue');
    await driver.deleteNetwork('blue');
    expect(project.net.networks.has('blue')).toBe(false);
  });

  it("refuses to delete the default network's auto subnetworks and a subnet without a region", async () => {
    await expect(driver.deleteSubnet('us-central1/default')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(
      driver.createSubnet({ networkId: 'default', name: 'x', cidr: '10.30.0.0/24', location: null }),
    ).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('places a new instance in the subnetwork it names', async () => {
    const project = sim.project('proj-n');
    project.net.insertNetwork({ name: 'green', autoCreateSubnetworks: false });
    project.net.insertSubnetwork('us-central1', {
      name: 'green-a',
      network: 'global/networks/green',
      ipCidrRange: '10.40.0.0/24',
    });
    project.insertInstance(
      'us-central1-a',
      {
        name: 'in-green',
        machineType: 'zones/us-central1-a/machineTypes/e2-small',
        disks: [
          {
            boot: true,
            initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' },
          },
        ],
        networkInterfaces: [{ subnetwork: 'regions/us-central1/subnetworks/green-a' }],
      },
      EMAIL,
    );
    const subnets = await driver.listSubnets(signal());
    expect(subnets.find((s) => s.externalId === 'us-central1/green-a')!.machineIds).toEqual([
      'us-central1-a/in-green',
    ]);
    const networks = await driver.listNetworks(signal());
    expect(networks.find((n) => n.externalId === 'green')!.machineIds).toEqual(['us-central1-a/in-green']);
  });
});
