import { makePveCertificate, type ProxmoxSim, startProxmoxSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { startOrgApi, type TestApi } from './support/harness';

// A certificate trusted on first use is kept with the cloud: added without a fingerprint, a
// Proxmox VE cloud stores the one it saw, and a later, different certificate stops the polls
// (naming both) without touching what the inventory holds.

const TOKEN = { id: 'overcast@pve!inventory', secret: '1b2c3d4e-aaaa-bbbb-cccc-000000000000' };

let api: TestApi;
let cookie: string;
let sim: ProxmoxSim;

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
  sim = await startProxmoxSim({ nodes: 1, machines: 2, tokens: [TOKEN], actionDelayMs: 0 });
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  api.app.inject({ method, url, payload, headers: { cookie } });

describe('a Proxmox VE certificate, pinned on first use', () => {
  it('is stored when the cloud is added, and a changed one fails the poll naming both, keeping inventory', async () => {
    const added = await call('POST', '/api/v1/clouds', {
      provider: 'proxmox',
      title: 'pve',
      credentials: { apiToken: `${TOKEN.id}=${TOKEN.secret}` },
      endpoint: sim.url,
    });
    expect(added.statusCode, added.body).toBe(201);
    const cloud = added.json() as { id: string; config: Record<string, unknown> };
    const original = sim.certificate.fingerprint;
    expect(cloud.config.certificateFingerprint).toBe(original);

    await pollNow(api, cloud.id);
    const machines = async () =>
      ((await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=100`)).json().items as { name: string }[])
        .map((m) => m.name)
        .sort();
    const before = await machines();
    expect(before.length).toBeGreaterThanOrEqual(2);

    const other = makePveCertificate('pve1');
    sim.replaceCertificate(other);
    await pollNow(api, cloud.id).catch(() => undefined);
    const after = (await call('GET', `/api/v1/clouds/${cloud.id}`)).json() as {
      pollStatus: string;
      lastError: string | null;
      config: Record<string, unknown>;
    };
    expect(after.lastError).toContain(original);
    expect(after.lastError).toContain(other.fingerprint);
    expect(after.config.certificateFingerprint).toBe(original);
    expect(await machines()).toEqual(before);
  });
});
