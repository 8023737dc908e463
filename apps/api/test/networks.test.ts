import { type Ec2Sim, startEc2Sim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Cloud, pollNow } from './support/clouds';
import { memberCookie, send, startOrgApi, type TestApi, type TestUser } from './support/harness';

// Networks, subnets and firewalls of an EC2 cloud through the api, against the EC2 emulator:
// what the poll stores, changes made through the driver, the SSH-to-the-world warning and the
// exposure list, refusals, and an outage that leaves the inventory as it was.

let api: TestApi;
let ec2: Ec2Sim;
let owner: TestUser;
let cookie: string;
let viewer: string;
let stranger: string;
let cloudId: string;
let vpcId: string;
let groupId: string;

const SSH_WORLD = { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] };
const call = (method: string, url: string, payload?: unknown, who = cookie) =>
  send(api, who, method, url, payload);
const defaultGroup = () => ec2.state.regions.get('us-east-1')!.net.groups.get(groupId)!;

beforeAll(async () => {
  ({ api, owner, ownerCookie: cookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
  ec2 = await startEc2Sim({ seed: { machines: 3, seed: 11 }, regions: ['us-east-1'], transitionMs: 0 });
  viewer = await memberCookie(api, owner.organizationId, 'viewer');
  stranger = (await startOrgApiCookie()).cookie;
  const res = await call('POST', '/api/v1/clouds', ec2Cloud(ec2));
  expect(res.statusCode, res.body).toBe(201);
  cloudId = res.json().id;
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(api, cloudId, 'networks')).status).toBe('ok');
  const region = ec2.state.regions.get('us-east-1')!;
  groupId = region.defaultSecurityGroup.id;
  vpcId = region.vpcId;
}, 120_000);
afterAll(async () => {
  await ec2.close();
  await api.close();
});

/** Another organization's owner, in the same api. */
async function startOrgApiCookie() {
  const { createOrgWithUser, login } = await import('./support/harness');
  const other = await createOrgWithUser(api.db);
  return { cookie: await login(api, other) };
}

async function firewallRow() {
  return api.db.prisma.firewall.findFirstOrThrow({ where: { cloudId, externalId: groupId } });
}

describe('network inventory', () => {
  it('lists the default VPC with its subnets and machines, and one network in full', async () => {
    const live = [...ec2.state.instances.values()].filter((i) => i.state !== 'terminated');
    const list = (await call('GET', '/api/v1/networks')).json();
    expect(list.items).toHaveLength(1);
    const [vpc] = list.items;
    expect(vpc).toMatchObject({
      externalId: vpcId,
      cidr: '172.31.0.0/16',
      isDefault: true,
      region: 'us-east-1',
      subnetCount: ec2.state.regions.get('us-east-1')!.zoneNames.length,
      machineCount: live.length,
    });
    const detail = (await call('GET', `/api/v1/networks/${vpc.id}`)).json();
    expect(detail.subnets.reduce((n: number, s: { machineCount: number }) => n + s.machineCount, 0)).toBe(
      live.length,
    );
    const names = live.map((i) => i.tags.get('Name')).sort();
    expect(detail.machines.map((m: { name: string }) => m.name).sort()).toEqual(names);
    expect(detail.machines.every((m: { machineId: string | null }) => m.machineId !== null)).toBe(true);
    expect(detail.firewalls.map((f: { externalId: string }) => f.externalId)).toEqual([groupId]);

    // The machine page asks for its networks and firewalls.
    const machine = detail.machines[0].machineId;
    expect((await call('GET', `/api/v1/networks?machine=${machine}`)).json().items).toHaveLength(1);
    const fw = (await call('GET', `/api/v1/firewalls?machine=${machine}`)).json().items;
    expect(fw.map((f: { externalId: string }) => f.externalId)).toEqual([groupId]);
  });

  it('shows another organization nothing, and answers its ids with 404', async () => {
    expect((await call('GET', '/api/v1/networks', undefined, stranger)).json().items).toEqual([]);
    expect((await call('GET', '/api/v1/firewalls', undefined, stranger)).json().items).toEqual([]);
    const network = (await call('GET', '/api/v1/networks')).json().items[0].id;
    const firewall = (await firewallRow()).id;
    expect((await call('GET', `/api/v1/networks/${network}`, undefined, stranger)).statusCode).toBe(404);
    const res = await call(
      'POST',
      `/api/v1/firewalls/${firewall}/rules`,
      { rule: SSH_WORLD, acknowledgeExposure: true },
      stranger,
    );
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('firewall_not_found');
    expect(defaultGroup().ingress).toEqual([]);
  });
});

describe('firewall rules and the exposure check', () => {
  it('refuses SSH open to the world until acknowledged, then lists the machines it exposes', async () => {
    const firewall = (await firewallRow()).id;
    expect((await call('GET', '/api/v1/firewalls/exposure')).json()).toEqual({ port: 22, machines: [] });

    const refused = await call('POST', `/api/v1/firewalls/${firewall}/rules`, { rule: SSH_WORLD });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'exposure_not_acknowledged',
      field: 'body.rule.cidrs',
    });
    expect(refused.json().error.message).toMatch(
      /anyone on the internet \(0\.0\.0\.0\/0\) reach SSH on port 22/,
    );
    expect(defaultGroup().ingress).toEqual([]);

    const added = await call('POST', `/api/v1/firewalls/${firewall}/rules`, {
      rule: SSH_WORLD,
      acknowledgeExposure: true,
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().warnings).toHaveLength(1);
    expect(added.json().firewall.rules).toContainEqual(SSH_WORLD);
    expect(defaultGroup().ingress).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ipv6: false },
    ]);

    const live = [...ec2.state.instances.values()].filter((i) => i.state !== 'terminated');
    const exposure = (await call('GET', '/api/v1/firewalls/exposure')).json();
    expect(exposure.machines.map((m: { name: string }) => m.name).sort()).toEqual(
      live.map((i) => i.tags.get('Name')).sort(),
    );
    expect(exposure.machines[0].firewalls).toEqual([{ id: firewall, name: 'default' }]);
    // RDP is not open.
    expect((await call('GET', '/api/v1/firewalls/exposure?port=3389')).json().machines).toEqual([]);

    const audit = await api.db.prisma.auditEvent.findFirst({
      where: { organizationId: owner.organizationId, action: 'firewall.rule.add' },
    });
    expect(audit).toMatchObject({ resourceKind: 'firewall', resourceId: firewall, result: 'success' });

    const removed = await call('POST', `/api/v1/firewalls/${firewall}/rules/remove`, { rule: SSH_WORLD });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().rules).not.toContainEqual(SSH_WORLD);
    expect(defaultGroup().ingress).toEqual([]);
    expect((await call('GET', '/api/v1/firewalls/exposure')).json().machines).toEqual([]);
  });

  it('adds a narrow rule without a question, and says the provider refused a duplicate', async () => {
    const firewall = (await firewallRow()).id;
    const rule = {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 8000,
      toPort: 8080,
      cidrs: ['203.0.113.0/24'],
    };
    const added = await call('POST', `/api/v1/firewalls/${firewall}/rules`, { rule });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().warnings).toEqual([]);
    const again = await call('POST', `/api/v1/firewalls/${firewall}/rules`, { rule });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.message).toMatch(/already exists/);
    await call('POST', `/api/v1/firewalls/${firewall}/rules/remove`, { rule });
  });

  it('answers bad rules with a 400 naming the field, and writes nothing', async () => {
    const firewall = (await firewallRow()).id;
    const before = JSON.stringify(defaultGroup());
    for (const [rule, field] of [
      [{ ...SSH_WORLD, cidrs: ['10.0.0.0/33'] }, 'body.rule.cidrs.0'],
      [{ ...SSH_WORLD, cidrs: ['10.0.0.0/8', '300.1.1.1/32'] }, 'body.rule.cidrs.1'],
      [{ ...SSH_WORLD, cidrs: ['10.1.2.3/8'] }, 'body.rule.cidrs.0'],
      [{ ...SSH_WORLD, fromPort: 70000 }, 'body.rule.fromPort'],
      [{ ...SSH_WORLD, fromPort: 30, toPort: 20 }, 'body.rule.toPort'],
      [{ ...SSH_WORLD, protocol: 'icmp' }, 'body.rule.fromPort'],
      [{ ...SSH_WORLD, protocol: 'gre' }, 'body.rule.protocol'],
      [{ ...SSH_WORLD, cidrs: [] }, 'body.rule.cidrs'],
      // The NUL-byte check names list items with brackets.
      [{ ...SSH_WORLD, cidrs: ['10.0.0.0/8\u0000'] }, 'body.rule.cidrs[0]'],
    ] as const) {
      const res = await call('POST', `/api/v1/firewalls/${firewall}/rules`, {
        rule,
        acknowledgeExposure: true,
      });
      expect(res.statusCode, JSON.stringify(rule)).toBe(400);
      expect(res.json().error.field, JSON.stringify(rule)).toBe(field);
    }
    expect(JSON.stringify(defaultGroup())).toBe(before);
  });

  it('lets a viewer look but not change a rule', async () => {
    const firewall = (await firewallRow()).id;
    expect((await call('GET', `/api/v1/firewalls/${firewall}`, undefined, viewer)).statusCode).toBe(200);
    const res = await call(
      'POST',
      `/api/v1/firewalls/${firewall}/rules`,
      { rule: SSH_WORLD, acknowledgeExposure: true },
      viewer,
    );
    expect(res.statusCode).toBe(403);
    expect(defaultGroup().ingress).toEqual([]);
  });
});

describe('creating and deleting networks and subnets', () => {
  it('creates a VPC and a subnet in it, then deletes both, audited', async () => {
    const made = await call('POST', '/api/v1/networks', { cloudId, name: 'staging', cidr: '10.30.0.0/16' });
    expect(made.statusCode, made.body).toBe(201);
    const network = made.json().network;
    expect(network).toMatchObject({
      name: 'staging',
      cidr: '10.30.0.0/16',
      isDefault: false,
      subnetCount: 0,
    });
    expect([...ec2.state.regions.get('us-east-1')!.net.vpcs.keys()]).toContain(network.externalId);

    const withSubnet = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'web',
      cidr: '10.30.1.0/24',
      location: 'us-east-1a',
    });
    expect(withSubnet.statusCode, withSubnet.body).toBe(201);
    const [subnet] = withSubnet.json().subnets;
    expect(subnet).toMatchObject({
      name: 'web',
      cidr: '10.30.1.0/24',
      location: 'us-east-1a',
      machineCount: 0,
    });

    // A subnet outside its network is the provider's refusal, in its words.
    const outside = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'x',
      cidr: '10.99.0.0/24',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.message).toMatch(/10\.99\.0\.0\/24/);

    // The default network is not Overcast's to delete; a subnet of another network is not found in this one.
    const defaultId = (await call('GET', '/api/v1/networks'))
      .json()
      .items.find((n: { isDefault: boolean }) => n.isDefault).id;
    expect((await call('DELETE', `/api/v1/networks/${defaultId}`)).statusCode).toBe(409);
    expect((await call('DELETE', `/api/v1/networks/${defaultId}/subnets/${subnet.id}`)).statusCode).toBe(404);

    expect((await call('DELETE', `/api/v1/networks/${network.id}/subnets/${subnet.id}`)).statusCode).toBe(
      204,
    );
    expect((await call('DELETE', `/api/v1/networks/${network.id}`)).statusCode).toBe(204);
    expect([...ec2.state.regions.get('us-east-1')!.net.vpcs.keys()]).not.toContain(network.externalId);
    expect((await call('GET', `/api/v1/networks/${network.id}`)).statusCode).toBe(404);
    const actions = (
      await api.db.prisma.auditEvent.findMany({
        where: {
          organizationId: owner.organizationId,
          action: { in: ['network.create', 'subnet.create', 'subnet.delete', 'network.delete'] },
        },
        orderBy: { createdAt: 'asc' },
      })
    ).map((e) => `${e.action}:${e.result}`);
    expect(actions).toEqual([
      'network.create:success',
      'subnet.create:success',
      'subnet.create:failure',
      'subnet.delete:success',
      'network.delete:success',
    ]);
  });

  it('answers a bad CIDR, name or cloud with a 400 naming the field, and creates nothing', async () => {
    const vpcs = ec2.state.regions.get('us-east-1')!.net.vpcs.size;
    for (const [body, field] of [
      [{ cloudId, name: 'x', cidr: '10.0.0.0' }, 'body.cidr'],
      [{ cloudId, name: 'x', cidr: '10.0.0.1/16' }, 'body.cidr'],
      [{ cloudId, name: 'x', cidr: 'fe80::zz/64' }, 'body.cidr'],
      [{ cloudId, name: 'bad\u0000name', cidr: '10.0.0.0/16' }, 'body.name'],
      [{ cloudId, name: 'x'.repeat(101), cidr: '10.0.0.0/16' }, 'body.name'],
      [{ cloudId: 'nope', name: 'x', cidr: '10.0.0.0/16' }, 'body.cloudId'],
      [{ cloudId, name: 'x', cidr: '10.0.0.0/16', extra: 1 }, 'body.extra'],
    ] as const) {
      const res = await call('POST', '/api/v1/networks', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field, JSON.stringify(body)).toBe(field);
    }
    expect(ec2.state.regions.get('us-east-1')!.net.vpcs.size).toBe(vpcs);
  });

  it('refuses a viewer creating a network', async () => {
    const res = await call('POST', '/api/v1/networks', { cloudId, name: 'x', cidr: '10.40.0.0/16' }, viewer);
    expect(res.statusCode).toBe(403);
  });
});

describe('the networks poll', () => {
  it('keeps every row when the provider fails, and catches up when it is back', async () => {
    const before = await api.db.prisma.network.count({ where: { cloudId } });
    expect(before).toBeGreaterThan(0);
    ec2.state.regions.get('us-east-1')!.net.createVpc('10.50.0.0/16', new Map([['Name', 'out-of-band']]));
    ec2.knobs.burst({ status: 500, count: 50 });
    const failed = await pollNow(api, cloudId, 'networks');
    ec2.knobs.clearFaults();
    expect(failed.status).toBe('error');
    expect(await api.db.prisma.network.count({ where: { cloudId } })).toBe(before);
    expect(await api.db.prisma.firewall.count({ where: { cloudId } })).toBeGreaterThan(0);

    expect((await pollNow(api, cloudId, 'networks')).status).toBe('ok');
    const names = (await call('GET', '/api/v1/networks')).json().items.map((n: { name: string }) => n.name);
    expect(names).toContain('out-of-band');
  });
});
