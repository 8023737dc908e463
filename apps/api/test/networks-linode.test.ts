import { type LinodeSim, startLinodeSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { listedNetworking, ruleChangeRefusedToOthers, sshExposureRoundTrip } from './support/firewalls';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// A Linode account's VPCs and Cloud Firewalls through the api, against the emulator: VPCs with
// subnets in their region and the Linodes in each, firewalls with the Linodes they protect, and
// rule changes written back to Linode as the whole rule set.

const TOKEN = 'li-token-networks-test';
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: LinodeSim;
let viewer: string;
let stranger: string;
let cloudId: string;
let firewallExternalId: number;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const net = () => sim.account(TOKEN).net;
const portsOnLinode = () =>
  net()
    .firewall(firewallExternalId)
    .rules.inbound.map((r) => r.ports);

const listed = () => listedNetworking(org.api, org.ownerCookie, () => cloudId);
const firewall = () => listed().firewall(firewallExternalId);
const networks = () => listed().networks();

beforeAll(async () => {
  org = await startOrgApi();
  sim = await startLinodeSim({
    accounts: [{ token: TOKEN, linodes: 6, namePrefix: 'web' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  // The seeded Linodes take the regions in turn: web-000000 and web-000005 are in us-east.
  const [first, second, , , , sixth] = sim.account(TOKEN).listLinodes();
  const vpc = net().createVpc(
    { label: 'apps', region: 'us-east', subnets: [{ label: 'front', ipv4: '10.0.1.0/24' }] },
    ['us-east'],
  );
  const subnet = [...vpc.subnets.keys()][0]!;
  net().attach(first!.id, vpc.id, subnet);
  net().attach(sixth!.id, vpc.id, subnet);
  firewallExternalId = net().createFirewall({
    label: 'web-edge',
    rules: {
      inbound: [{ action: 'ACCEPT', protocol: 'TCP', ports: '443', addresses: { ipv4: ['0.0.0.0/0'] } }],
      inbound_policy: 'DROP',
      outbound_policy: 'ACCEPT',
    },
    devices: { linodes: [first!.id, second!.id] },
  }).id;
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'linode',
    title: 'Linode',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

const names = (list: Array<{ name: string }>) => list.map((m) => m.name).sort();

describe('Linode VPCs', () => {
  it('lists the VPC with the Linodes in it and its subnet in its region', async () => {
    const items = await networks();
    expect(items).toEqual([expect.objectContaining({ name: 'apps', subnetCount: 1, machineCount: 2 })]);
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([expect.objectContaining({ cidr: '10.0.1.0/24', location: 'us-east' })]);
    expect(names(detail.machines)).toEqual(['web-000000', 'web-000005']);
  });

  it('adds a subnet, and passes on Linode’s refusal to delete a VPC with Linodes in it', async () => {
    const [network] = await networks();
    const made = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'back',
      cidr: '10.0.2.0/24',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(
      made
        .json()
        .subnets.map((s: { cidr: string }) => s.cidr)
        .sort(),
    ).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    const busy = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/Cannot delete a VPC while it has Linodes/);
    expect(net().vpcs.size).toBe(1);
  });
});

describe('Linode Cloud Firewalls', () => {
  it('shows the firewall with the Linodes it protects and its rules', async () => {
    const fw = await firewall();
    expect(names(fw.machines)).toEqual(['web-000000', 'web-000001']);
    expect(fw.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
    ]);
  });

  const underTest = () => listed().underTest(firewallExternalId, portsOnLinode);

  it('adds SSH to the world only when acknowledged, writes it to Linode, and removes it', async () => {
    await sshExposureRoundTrip(await underTest(), { before: ['443'], with: ['443', '22'] }, [
      'web-000000',
      'web-000001',
    ]);
  });

  it("refuses a viewer's rule change and shows another organization nothing", async () => {
    await ruleChangeRefusedToOthers(await underTest(), { viewer, stranger }, () => sim.requestLog.length);
    const foreign = await call('GET', `/api/v1/firewalls?cloud=${cloudId}`, undefined, stranger);
    expect(foreign.json().items).toEqual([]);
  });
});
