import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createRepositories, type Repositories } from '../src';

const db = createDatabase({ url: process.env.DATABASE_URL!, max: 2 });
afterAll(() => db.close());

class Missing extends Error {}
const repos: Repositories = createRepositories(db.prisma, (noun) => new Missing(`${noun} was not found.`));

const unique = () => randomBytes(4).toString('hex');
const newOrg = async () =>
  (await db.prisma.organization.create({ data: { name: 'Repo test', slug: `repo-${unique()}` } })).id;

/** One row of every organization-owned aggregate, all in `organizationId`. */
async function oneOfEach(organizationId: string): Promise<Record<keyof Repositories, string>> {
  const p = db.prisma;
  const cloud = await p.cloud.create({
    data: { organizationId, provider: 'digitalocean', title: `c-${unique()}`, credentials: Buffer.from('x') },
  });
  const inCloud = { organizationId, cloudId: cloud.id, externalId: unique(), name: 'n' };
  const template = await p.template.create({ data: { organizationId, name: unique() } });
  return {
    catalogItems: (
      await p.catalogItem.create({
        data: { organizationId, templateId: template.id, templateVersion: 1, name: unique() },
      })
    ).id,
    deployRequests: (
      await p.deployRequest.create({ data: { organizationId, templateVersion: 1, stackName: unique() } })
    ).id,
    clouds: cloud.id,
    machines: (await p.machine.create({ data: inCloud })).id,
    volumes: (await p.volume.create({ data: { ...inCloud, sizeGb: 1 } })).id,
    networks: (await p.network.create({ data: inCloud })).id,
    subnets: (
      await p.subnet.create({ data: { ...inCloud, networkExternalId: 'vpc-1', cidr: '10.0.0.0/24' } })
    ).id,
    firewalls: (await p.firewall.create({ data: inCloud })).id,
    sshKeys: (
      await p.sshKey.create({
        data: {
          organizationId,
          name: unique(),
          publicKey: 'ssh-ed25519 AAAA',
          privateKey: Buffer.from('x'),
          fingerprint: unique(),
          algorithm: 'ed25519',
        },
      })
    ).id,
    scripts: (await p.script.create({ data: { organizationId, name: unique() } })).id,
    schedules: (
      await p.schedule.create({
        data: { organizationId, name: unique(), triggerKind: 'once', action: 'stop' },
      })
    ).id,
    governanceLimits: (await p.governanceLimits.create({ data: { organizationId, maxMachines: 1 } })).id,
    rules: (await p.rule.create({ data: { organizationId, name: unique(), condition: {} } })).id,
    notificationChannels: (
      await p.notificationChannel.create({ data: { organizationId, kind: 'webhook', name: unique() } })
    ).id,
    teams: (await p.team.create({ data: { organizationId, name: unique() } })).id,
    templates: (await p.template.create({ data: { organizationId, name: unique() } })).id,
    stacks: (
      await p.stack.create({ data: { organizationId, name: unique(), templateVersion: 1, document: {} } })
    ).id,
  };
}

describe('organization-scoped repositories', () => {
  let mine: string;
  let theirs: string;
  let ids: Record<keyof Repositories, string>;
  beforeAll(async () => {
    mine = await newOrg();
    theirs = await newOrg();
    ids = await oneOfEach(mine);
  });

  const kinds = Object.keys(createRepositories(db.prisma, () => new Error())) as (keyof Repositories)[];

  it.each(kinds)('%s: finds a row by id in its own organization', async (kind) => {
    const row = await repos[kind].getInOrg(mine, ids[kind]);
    expect(row).toMatchObject({ id: ids[kind], organizationId: mine });
  });

  it.each(kinds)('%s: refuses the id from another organization, as not found', async (kind) => {
    await expect(repos[kind].findInOrg(theirs, ids[kind])).resolves.toBeNull();
    await expect(repos[kind].getInOrg(theirs, ids[kind])).rejects.toThrow(Missing);
    await expect(repos[kind].getInOrg(theirs, ids[kind])).rejects.toThrow(/was not found/);
  });

  it('names what was missing', async () => {
    await expect(repos.sshKeys.getInOrg(mine, crypto.randomUUID())).rejects.toThrow('SSH key was not found.');
  });

  it('lists teams of one organization only', async () => {
    await db.prisma.team.create({ data: { organizationId: theirs, name: unique() } });
    const listed = await repos.teams.listInOrg(mine);
    expect(listed.map((t) => t.organizationId)).toEqual([mine]);
    expect(listed[0]).toMatchObject({ members: [], policies: [] });
  });
});
