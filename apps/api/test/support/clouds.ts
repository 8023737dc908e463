import { generateKeyPairSync } from 'node:crypto';
import {
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  type Ec2Sim,
  startDigitalOceanSim,
  startGceSim,
} from '@overcast/cloud-sim';
import { pollCloud } from '@overcast/core/polling';
import { expect } from 'vitest';
import { send, startOrgApi, type TestApi } from './harness';

/** A DigitalOcean emulator with one account, answering at once (no boot or action delays). */
export const startPromptDigitalOcean = (token: string, droplets: number, namePrefix = 'web') =>
  startDigitalOceanSim({ accounts: [{ token, droplets, namePrefix }], bootDelayMs: 0, actionDelayMs: 0 });

/** Asks the api to add a cloud with credentials it must refuse: a 400 whose message names `field`. */
export async function expectCloudRefused(
  add: (body: object) => Promise<{ statusCode: number; json(): { error: { message: string } } }>,
  body: { provider: string; credentials: object },
  field: string,
) {
  const res = await add({ title: 'x', ...body });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.message).toContain(field);
}

/**
 * The api with a logged-in owner and a prompt DigitalOcean emulator with one account of `droplets`
 * droplets; `poll` polls a cloud in the test's process. `close` ends it all.
 */
export async function startDigitalOceanApi(token: string, droplets: number) {
  const started = await startOrgApi();
  const sim = await startPromptDigitalOcean(token, droplets);
  const close = async () => {
    await sim.close();
    await started.api.close();
  };
  const poll = (cloudId: string, kind?: PollKind) => pollNow(started.api, cloudId, kind);
  return { ...started, sim, poll, close };
}

type PollKind = 'machines' | 'volumes' | 'networks' | 'catalog';

/** Polls a cloud now, in the test's process, as the worker would. */
export const pollNow = (api: TestApi, cloudId: string, kind: PollKind = 'machines') =>
  pollCloud(api.runtime, cloudId, kind);

/** Adds a cloud through the api as `cookie`, then polls its machines and networks: its id. */
export async function addNetworkedCloud(api: TestApi, cookie: string, body: object): Promise<string> {
  const res = await send(api, cookie, 'POST', '/api/v1/clouds', body);
  expect(res.statusCode, res.body).toBe(201);
  const cloudId: string = res.json().id;
  expect((await pollNow(api, cloudId, 'machines')).status).toBe('ok');
  expect((await pollNow(api, cloudId, 'networks')).status).toBe('ok');
  return cloudId;
}

/** What adds the EC2 emulator as a cloud (POST /clouds). */
export const ec2Cloud = (ec2: Ec2Sim) => ({
  provider: 'aws',
  title: 'aws',
  credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
  endpoint: ec2.url,
});

/**
 * A Compute Engine emulator with one project of `instances` instances, answering at once, whose
 * service account is made here; `cloud()` is what adds it as a cloud (POST /clouds).
 */
export async function startPromptGce(project: string, instances: number) {
  const email = `overcast@${project}.iam.gserviceaccount.com`;
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const gce = await startGceSim({
    serviceAccounts: [{ email, projects: [project], publicKey: keys.publicKey }],
    projects: [{ id: project, instances, namePrefix: 'vm' }],
    provisionMs: 0,
    stopMs: 0,
    operationMs: 0,
  });
  // The JSON key a person pastes into the add-cloud form.
  const serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: project,
    private_key_id: 'k1',
    private_key: keys.privateKey,
    client_email: email,
    token_uri: gce.tokenUri,
  });
  return {
    gce,
    cloud: () => ({ provider: 'gce', title: 'gce', credentials: { serviceAccount }, endpoint: gce.url }),
  };
}

/** A cloud's networks and its firewalls as the api lists them to `cookie`'s holder. */
export function cloudNetworkReads(api: TestApi, cookie: string, cloudId: () => string) {
  const items = async (kind: 'networks' | 'firewalls') =>
    (await send(api, cookie, 'GET', `/api/v1/${kind}?cloud=${cloudId()}`)).json().items;
  return {
    networks: () => items('networks'),
    /** The firewall with this id at the provider. */
    firewall: async (externalId: string) =>
      (await items('firewalls')).find((f: { externalId: string }) => f.externalId === externalId),
  };
}
