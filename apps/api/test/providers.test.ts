import { type Ec2Sim, type GceSim, startEc2Sim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Cloud, expectCloudRefused, pollNow, startPromptGce } from './support/clouds';
import { createOrgWithUser, login, startTestApi, type TestApi } from './support/harness';

// The AWS and Google paths end to end: add through the API (credentials checked with the
// emulator), poll, list, act.

let api: TestApi;
let ec2: Ec2Sim;
let gce: GceSim;
let gceCloud: () => object;
let cookie: string;

beforeAll(async () => {
  api = await startTestApi();
  ec2 = await startEc2Sim({ seed: 40, transitionMs: 0 });
  ({ gce, cloud: gceCloud } = await startPromptGce('proj-x', 12));
  cookie = await login(api, await createOrgWithUser(api.db));
});
afterAll(async () => {
  await ec2.close();
  await gce.close();
  await api.close();
});

const call = (method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie } });
const poll = (cloudId: string) => pollNow(api, cloudId);

describe('AWS EC2 through the API', () => {
  it("wrong keys are a 422 with AWS's words", async () => {
    const res = await call('POST', '/api/v1/clouds', {
      provider: 'aws',
      title: 'bad aws',
      credentials: { accessKeyId: 'AKIDWRONGWRONGWRONG', secretAccessKey: 'nope' },
      endpoint: ec2.url,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/^AWS refused the credentials/);
  });

  it('adds, polls every region, prices from the table, and stops a machine', async () => {
    const res = await call('POST', '/api/v1/clouds', ec2Cloud(ec2));
    expect(res.statusCode, res.body).toBe(201);
    const cloud = res.json();
    expect((await poll(cloud.id)).status).toBe('ok');
    const page = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=100`)).json();
    // Terminated instances are history: the default list leaves them out.
    const live = [...ec2.state.instances.values()].filter(
      (i) => i.state !== 'terminated' && i.state !== 'shutting-down',
    );
    expect(page.total).toBe(live.length);
    const priced = page.items.filter((m: { costSource: string | null }) => m.costSource === 'table');
    expect(priced.length).toBeGreaterThan(0);
    const running = page.items.find((m: { state: string }) => m.state === 'running');
    expect(
      (await call('POST', `/api/v1/machines/${running.id}/actions`, { action: 'stop' })).statusCode,
    ).toBe(202);
    await poll(cloud.id);
    expect((await call('GET', `/api/v1/machines/${running.id}`)).json().machine.state).toBe('stopped');
  });
});

describe('Google Compute Engine through the API', () => {
  it('accepts the service-account key as pasted JSON text, polls and lists', async () => {
    await expectCloudRefused(
      (body) => call('POST', '/api/v1/clouds', body),
      { provider: 'gce', credentials: { serviceAccount: '{not json' } },
      'serviceAccount',
    );
    const res = await call('POST', '/api/v1/clouds', gceCloud());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain('PRIVATE KEY');
    const cloud = res.json();
    expect((await poll(cloud.id)).status).toBe('ok');
    const page = (await call('GET', `/api/v1/machines?cloud=${cloud.id}`)).json();
    expect(page.total).toBe(12);
    expect(page.items[0]).toMatchObject({ provider: 'gce' });
    expect(page.items[0].location).toMatch(/^[a-z]+-[a-z]+\d+-[a-z]$/);
  });
});
