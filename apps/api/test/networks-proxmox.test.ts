import { type ProxmoxSim, startProxmoxSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud, pollNow } from './support/clouds';
import {
  exposedNames,
  listedNetworking,
  ruleChangeRefusedToOthers,
  sshExposureRoundTrip,
} from './support/firewalls';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// A Proxmox VE cluster's networks and firewall through the api, against the emulator: SDN vnets
// made and deleted (applied each time) beside the nodes' bridges, the guests on each; security
// groups with the guests whose firewall names them, rule changes written by position and digest;
// a guest whose firewall is off counted open to the internet on the exposure card.

const TOKEN = { id: 'overcast@pve!net', secret: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' };
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: ProxmoxSim;
let viewer: string;
let stranger: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const listed = () => listedNetworking(org.api, org.ownerCookie, () => cloudId);
const portsInGroup = () => sim.net.group('web').rules.map((r) => r.dport);
const exposureCard = () => exposedNames(org.api, org.ownerCookie);

beforeAll(async () => {
  org = await startOrgApi();
  // Guests 100-103 (vm-000000...), on pve1 and pve2 in turn; 102 is a container.
  sim = await startProxmoxSim({ nodes: 2, machines: 4, tokens: [TOKEN], actionDelayMs: 0 });
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  sim.net.seedGroup('web', [{ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: '1' }]);
  // 100 and 101 are behind the group, 102 has its firewall on with no rules, 103 has it off.
  for (const vmid of [100, 101, 102]) sim.net.guestFirewall(vmid).options.enable = 1;
  for (const vmid of [100, 101])
    sim.net.addRule(sim.net.guestFirewall(vmid).rules, { type: 'group', action: 'web', enable: '1' });
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'proxmox',
    title: 'pve',
    credentials: { apiToken: `${TOKEN.id}=${TOKEN.secret}` },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

const names = (list: Array<{ name: string }>) => list.map((m) => m.name).sort();

describe('Proxmox VE networks', () => {
  it('lists the nodes’ bridges with their guests, and makes and deletes an SDN vnet with a subnet', async () => {
    const bridges = await listed().networks();
    expect(
      bridges.map((n: { name: string; machineCount: number }) => [n.name, n.machineCount]).sort(),
    ).toEqual([
      ['vmbr0 (pve1)', 2],
      ['vmbr0 (pve2)', 2],
    ]);
    const made = await call('POST', '/api/v1/networks', { cloudId, name: 'apps', cidr: '10.40.0.0/24' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().subnets).toEqual([expect.objectContaining({ cidr: '10.40.0.0/24' })]);
    expect(sim.net.running).toEqual(['apps']);
    const bad = await call('POST', '/api/v1/networks', { cloudId, name: 'apps-two', cidr: '10.41.0.0/24' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/vnet ID 'apps-two' contains illegal characters/);
    expect([...sim.net.vnets.keys()]).toEqual(['apps']);
    const gone = await call('DELETE', `/api/v1/networks/${made.json().network.id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect(sim.net.vnets.size).toBe(0);
    expect(sim.net.subnets.size).toBe(0);
  });
});

describe('Proxmox VE firewall', () => {
  it('shows the security group with the guests whose firewall names it, and its rules', async () => {
    const fw = await listed().firewall('group/web');
    expect(names(fw.machines)).toEqual(['vm-000000', 'vm-000001']);
    expect(fw.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
  });

  it('counts the guest whose firewall is off as open to the internet, until its firewall is on', async () => {
    expect(await exposureCard()).toEqual(['vm-000003']);
    sim.net.guestFirewall(103).options.enable = 1;
    expect((await pollNow(org.api, cloudId, 'networks')).status).toBe('ok');
    expect(await exposureCard()).toEqual([]);
  });

  const underTest = () => listed().underTest('group/web', portsInGroup);

  it('adds SSH to the world only when acknowledged, writes it to the group, and removes it', async () => {
    await sshExposureRoundTrip(await underTest(), { before: ['443'], with: ['22', '443'] }, [
      'vm-000000',
      'vm-000001',
    ]);
  });

  it("refuses a viewer's rule change and shows another organization nothing", async () => {
    await ruleChangeRefusedToOthers(await underTest(), { viewer, stranger }, () => sim.requestLog.length);
    const foreign = await call('GET', `/api/v1/firewalls?cloud=${cloudId}`, undefined, stranger);
    expect(foreign.json().items).toEqual([]);
  });
});
