import { generateKeyPairSync } from 'node:crypto';
import {
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  type Ec2Sim,
  type GceSim,
  startEc2Sim,
  startGceSim,
} from '@overcast/cloud-sim';
import { pollCloud } from '@overcast/core/polling';
import { createRedis } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, type TestApi } from './support/harness';

// The AWS and Google paths end to end: add through the API (credentials checked with the
// emulator), poll, list, act.

let api: TestApi;
let ec2: Ec2Sim;
let gce: GceSim;
let cookie: string;
const redis = createRedis(process.env.REDIS_URL!, { enableOfflineQueue: true });
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const EMAIL = 'overcast@proj-x.iam.gserviceaccount.com';

beforeAll(async () => {
  api = await startTestApi();
  ec2 = await startEc2Sim({ seed: 40, transitionMs: 0 });
  gce = await startGceSim({
    serviceAccounts: [{ email: EMAIL, projects: ['proj-x'], publicKey: keys.publicKey }],
    projects: [{ id: 'proj-x', instances: 12, namePrefix: 'vm' }],
    provisionMs: 0,
    stopMs: 0,
    operationMs: 0,
  });
  cookie = await login(api, await createOrgWithUser(api.db));
});
afterAll(async () => {
  await ec2.close();
  await gce.close();
  await api.close();
  redis.disconnect();
});

const call = (method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie } });
const poll = (cloudId: string) =>
  pollCloud({ db: api.db, box: api.box, redis, settings: api.settings }, cloudId, 'machines');

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
    const res = await call('POST', '/api/v1/clouds', {
      provider: 'aws',
      title: 'aws',
      credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
      endpoint: ec2.url,
    });
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
    const serviceAccount = JSON.stringify({
      type: 'service_account',
      project_id: 'proj-x',
      private_key_id: 'k1',
      private_key: keys.privateKey,
      client_email: EMAIL,
      token_uri: gce.tokenUri,
    });
    const bad = await call('POST', '/api/v1/clouds', {
      provider: 'gce',
      title: 'g',
      credentials: { serviceAccount: '{not json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('serviceAccount');
    const res = await call('POST', '/api/v1/clouds', {
      provider: 'gce',
      title: 'gce',
      credentials: { serviceAccount },
      endpoint: gce.url,
    });
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
