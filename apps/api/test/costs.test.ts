import { type DigitalOceanSim, type Ec2Sim, type GceSim, startEc2Sim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Cloud, pollNow, startPromptDigitalOcean, startPromptGce } from './support/clouds';
import { createOrgWithUser, login, startTestApi, type TestApi } from './support/harness';

// What the fleet costs, as the Dashboard and the Clouds page show it, and the EC2 catalog the
// create wizard reads, against the EC2, Compute Engine and DigitalOcean emulators.

let api: TestApi;
let ec2: Ec2Sim;
let gce: GceSim;
let digitalocean: DigitalOceanSim;
let cookie: string;
const clouds: Record<'aws' | 'gce' | 'digitalocean', string> = { aws: '', gce: '', digitalocean: '' };
const DO_TOKEN = 'do-token-costs-test';

interface MachineView {
  id: string;
  name: string;
  state: string;
  location: string;
  size: string;
  externalId: string;
  costMonthly: string | null;
  costSource: string | null;
  priceUnknownReason: string | null;
}
interface VolumeView {
  cloudId: string;
  costMonthly: string | null;
  attachedTo: { machineId: string | null }[];
}

const call = (method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie } });
/** Every volume of the organization: the list comes a page at a time. */
async function allVolumes(): Promise<VolumeView[]> {
  const out: VolumeView[] = [];
  for (;;) {
    const page = (await call('GET', `/api/v1/volumes?limit=500&offset=${out.length}`)).json();
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

const poll = (cloudId: string, kind: 'machines' | 'volumes' | 'catalog') => pollNow(api, cloudId, kind);
const cents = (s: string | null) => Math.round(Number(s ?? 0) * 100);

async function machinesOf(cloudId: string): Promise<MachineView[]> {
  return (await call('GET', `/api/v1/machines?cloud=${cloudId}&limit=500`)).json().items;
}

beforeAll(async () => {
  api = await startTestApi();
  // sa-east-1 is a region the shipped tables do not know: its machines must say so.
  ec2 = await startEc2Sim({
    seed: { machines: 200, seed: 7 },
    transitionMs: 0,
    regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'],
  });
  const google = await startPromptGce('proj-c', 40);
  gce = google.gce;
  digitalocean = await startPromptDigitalOcean(DO_TOKEN, 20, 'drop');
  cookie = await login(api, await createOrgWithUser(api.db));
  const add = async (body: object) => {
    const res = await call('POST', '/api/v1/clouds', body);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    for (const kind of ['machines', 'volumes', 'catalog'] as const)
      expect((await poll(id, kind)).status).toBe('ok');
    return id;
  };
  clouds.aws = await add(ec2Cloud(ec2));
  clouds.gce = await add(google.cloud());
  clouds.digitalocean = await add({
    provider: 'digitalocean',
    title: 'do',
    credentials: { token: DO_TOKEN },
    endpoint: digitalocean.url,
  });
}, 120_000);
afterAll(async () => {
  await ec2.close();
  await gce.close();
  await digitalocean.close();
  await api.close();
});

describe('costs', () => {
  it('prices every EC2 and GCE machine of a region the tables know; the others say why', async () => {
    const aws = await machinesOf(clouds.aws);
    expect(aws.length).toBeGreaterThan(150);
    const unknownRegion = aws.filter((m) => m.location.startsWith('sa-east-1'));
    expect(unknownRegion.length).toBeGreaterThan(0);
    for (const m of aws.filter((x) => !unknownRegion.includes(x)))
      expect(m.costMonthly, m.name).not.toBeNull();
    for (const m of unknownRegion.filter((x) => x.state !== 'stopped')) {
      expect(m.costMonthly).toBeNull();
      expect(m.priceUnknownReason).toBe('no prices for region sa-east-1 in the shipped table');
    }
    const google = await machinesOf(clouds.gce);
    expect(google.length).toBe(40);
    expect(google.filter((m) => m.costMonthly === null)).toEqual([]);

    const summary = (await call('GET', '/api/v1/costs/summary')).json();
    expect(summary.unpricedMachines).toBe(unknownRegion.filter((m) => m.state !== 'stopped').length);
    expect(summary.unpricedReasons).toContainEqual({
      reason: 'no prices for region sa-east-1 in the shipped table',
      machines: summary.unpricedMachines,
    });
  });

  it('a stopped EC2 or GCE instance costs nothing but its disks; a powered-off droplet bills in full', async () => {
    const volumes: VolumeView[] = await allVolumes();
    for (const provider of ['aws', 'gce'] as const) {
      const stopped = (await machinesOf(clouds[provider])).filter((m) => m.state === 'stopped');
      expect(stopped.length, provider).toBeGreaterThan(0);
      for (const m of stopped) {
        expect(m).toMatchObject({ costMonthly: '0.00', costSource: 'stopped' });
        const disks = volumes.filter((v) => v.attachedTo.some((a) => a.machineId === m.id));
        expect(disks.length, m.name).toBeGreaterThan(0);
        if (!m.location.startsWith('sa-east-1'))
          for (const d of disks) expect(Number(d.costMonthly), m.name).toBeGreaterThan(0);
      }
    }
    const off = (await machinesOf(clouds.digitalocean)).filter((m) => m.state === 'stopped');
    expect(off.length).toBeGreaterThan(0);
    for (const m of off) expect(Number(m.costMonthly)).toBeGreaterThan(0);
  });

  it('the Dashboard and the Clouds page show the same figures, volumes included', async () => {
    const summary = (await call('GET', '/api/v1/costs/summary')).json();
    const page: { id: string; monthlyCost: string }[] = (await call('GET', '/api/v1/clouds')).json().items;
    expect(page).toHaveLength(3);
    for (const cloud of page) {
      expect(summary.byCloud.find((c: { cloudId: string }) => c.cloudId === cloud.id).monthly).toBe(
        cloud.monthlyCost,
      );
      expect((await call('GET', `/api/v1/clouds/${cloud.id}`)).json().monthlyCost).toBe(cloud.monthlyCost);
    }
    expect(cents(summary.totalMonthly)).toBe(page.reduce((sum, c) => sum + cents(c.monthlyCost), 0));
    expect(cents(summary.totalMonthly)).toBe(cents(summary.machinesMonthly) + cents(summary.volumesMonthly));

    // Recomputed from the machine and volume lists: every billed machine and volume, once.
    const volumes: VolumeView[] = await allVolumes();
    const volumeCents = volumes.reduce((sum, v) => sum + Number(v.costMonthly ?? 0) * 100, 0);
    expect(volumeCents).toBeGreaterThan(0);
    expect(Math.abs(cents(summary.volumesMonthly) - volumeCents)).toBeLessThan(1 + volumes.length * 0.5);
    let machineCents = 0;
    for (const id of Object.values(clouds))
      for (const m of await machinesOf(id)) machineCents += Number(m.costMonthly ?? 0) * 100;
    expect(Math.abs(cents(summary.machinesMonthly) - machineCents)).toBeLessThan(200 * 0.5 + 1);
  });
});

describe('the EC2 catalog of a zone', () => {
  it('lists the images of its region once each, readable, with their architecture', async () => {
    const all = (await call('GET', `/api/v1/clouds/${clouds.aws}/images`)).json().items;
    const res = await call('GET', `/api/v1/clouds/${clouds.aws}/images?location=eu-west-1a`);
    expect(res.statusCode).toBe(200);
    const images: { name: string; providerName: string; architecture: string; region: string }[] =
      res.json().items;
    expect(images.length).toBeGreaterThan(0);
    expect(images.length * 5).toBe(all.length);
    for (const i of images) {
      expect(i.region).toBe('eu-west-1');
      expect(['x86_64', 'arm64']).toContain(i.architecture);
    }
    expect(new Set(images.map((i) => `${i.providerName}/${i.architecture}`)).size).toBe(images.length);
    expect(images.map((i) => i.name)).toContain('Canonical, Ubuntu, 24.04, amd64 noble image');
  });

  it("prices each size in the zone's region", async () => {
    const sizes: { externalId: string; priceMonthly: string | null; architectures: string[] }[] = (
      await call('GET', `/api/v1/clouds/${clouds.aws}/sizes?location=ap-southeast-1b`)
    ).json().items;
    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.filter((s) => s.priceMonthly === null)).toEqual([]);
    expect(sizes.find((s) => s.externalId === 't3.micro')?.priceMonthly).toBe('9.64');
    expect(sizes.find((s) => s.externalId === 't4g.micro')?.architectures).toEqual(['arm64']);
  });

  it('an unknown location is a 400', async () => {
    const res = await call('GET', `/api/v1/clouds/${clouds.aws}/sizes?location=mars-1a`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('no location "mars-1a"');
  });

  it("refuses another region's image with a clear 400 and creates a machine with its own", async () => {
    const images = async (location: string) =>
      (await call('GET', `/api/v1/clouds/${clouds.aws}/images?location=${location}`))
        .json()
        .items.find((i: { providerName: string }) => i.providerName.includes('ubuntu-noble-24.04-amd64'));
    const foreign = await images('us-east-1a');
    const before = await api.db.prisma.machine.count({ where: { cloudId: clouds.aws } });
    const wrong = await call('POST', `/api/v1/clouds/${clouds.aws}/machines`, {
      name: 'wrong-region',
      size: 't3.micro',
      image: foreign.externalId,
      location: 'eu-west-1a',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toMatch(
      /is in us-east-1, not in eu-west-1: choose an image of eu-west-1/,
    );
    expect(await api.db.prisma.machine.count({ where: { cloudId: clouds.aws } })).toBe(before);

    const own = await images('eu-west-1a');
    const res = await call('POST', `/api/v1/clouds/${clouds.aws}/machines`, {
      name: 'dublin-1',
      size: 't3.micro',
      image: own.externalId,
      location: 'eu-west-1a',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ location: 'eu-west-1a', costSource: 'table' });
  });
});
