import { type AzureSim, startAzureSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, seedMachine, send, startOrgApi, type TestApi, type TestUser } from './support/harness';

// An Azure cloud added through the API against the emulator: a VM deallocated through the
// action route (an extra action its module offers), shown apart from a merely stopped one and
// priced apart (a stopped VM bills its compute, a deallocated one does not); a viewer may not,
// and a machine of a provider without the action is refused it.

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';
const SECRET = 'Q~api.secret-value';

let api: TestApi;
let owner: TestUser;
let cookie: string;
let sim: AzureSim;

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  owner = started.owner;
  cookie = started.ownerCookie;
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB] }],
    subscriptions: [{ id: SUB, vms: 2, namePrefix: 'app' }],
    transitionMs: 50,
  });
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

interface Row {
  id: string;
  name: string;
  state: string;
  rawState: string;
  costMonthly: string | null;
  costSource: string | null;
}

describe('an Azure VM', () => {
  let cloudId: string;
  let vm: Row;
  const machine = async () => {
    await pollNow(api, cloudId);
    return (await send(api, cookie, 'GET', `/api/v1/machines/${vm.id}`)).json().machine as Row;
  };
  const act = (who: string, action: string, id = vm.id) =>
    send(api, who, 'POST', `/api/v1/machines/${id}/actions`, { action });

  beforeAll(async () => {
    const added = await send(api, cookie, 'POST', '/api/v1/clouds', {
      provider: 'azure',
      title: 'azure',
      endpoint: sim.url,
      credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
      config: { subscriptionId: SUB, authorityHost: sim.url, caCertificate: sim.ca, pricesEndpoint: sim.url },
    });
    expect(added.statusCode, added.body).toBe(201);
    cloudId = added.json().id;
    await pollNow(api, cloudId);
    const items = (await send(api, cookie, 'GET', `/api/v1/machines?cloud=${cloudId}`)).json().items as Row[];
    vm = items.find((m) => m.state === 'running')!;
    expect(vm).toBeDefined();
  });

  it('is deallocated through the action route, billing no compute, unlike when merely stopped', async () => {
    const running = await machine();
    expect(Number(running.costMonthly)).toBeGreaterThan(0);

    expect((await act(cookie, 'stop')).statusCode).toBe(202);
    const stopped = await machine();
    expect(stopped).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    expect(stopped.costMonthly).toBe(running.costMonthly);

    const deallocate = await act(cookie, 'deallocate');
    expect(deallocate.statusCode, deallocate.body).toBe(202);
    const deallocated = await machine();
    expect(deallocated).toMatchObject({ state: 'stopped', rawState: 'deallocated', costSource: 'stopped' });
    expect(Number(deallocated.costMonthly)).toBe(0);

    expect((await act(cookie, 'start')).statusCode).toBe(202);
    expect(await machine()).toMatchObject({ state: 'running', costMonthly: running.costMonthly });

    const history = (await send(api, cookie, 'GET', `/api/v1/machines/${vm.id}`)).json().history as {
      kind: string;
      data: { action?: string };
    }[];
    expect(history.map((h) => h.data.action)).toContain('deallocate');
  });

  it('refuses a viewer, and a machine whose provider has no deallocate, touching nothing', async () => {
    const viewer = await memberCookie(api, owner.organizationId, 'viewer');
    expect((await act(viewer, 'deallocate')).statusCode).toBe(403);
    expect((await machine()).rawState).toBe('running');

    // A machine of an SSH-host cloud, whose module offers no deallocate.
    const host = await seedMachine(api.db, owner.organizationId, { name: 'host-1' });
    const refused = await act(cookie, 'deallocate', host);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/Only Microsoft Azure machines can be deallocated; host-1/);

    const descriptors = (await send(api, cookie, 'GET', '/api/v1/providers')).json().items as {
      kind: string;
      features: { extraActions: string[] };
      unbilledStates?: string[];
    }[];
    const offering = descriptors.filter((p) => p.features.extraActions.includes('deallocate'));
    expect(offering.map((p) => p.kind)).toEqual(['azure']);
    expect(offering[0]!.unbilledStates).toContain('deallocated');
  });
});
