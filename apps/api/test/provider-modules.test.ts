import { startHetznerSim, startLinodeSim, startVultrSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { startOrgApi, type TestApi } from './support/harness';

// The providers as the registry describes them, and the three token-API clouds it registers:
// added through the API with a wrong token (the provider's refusal, nothing saved), then the
// right one, polled and listed.

let api: TestApi;
let cookie: string;
const sims: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
});
afterAll(async () => {
  for (const sim of sims) await sim.close();
  await api.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object, headers: object = { cookie }) =>
  api.app.inject({ method, url, payload, headers: headers as Record<string, string> });

describe("a cloud's inputs, held to its module", () => {
  it('names the field its schema or its own check refuses, and saves nothing', async () => {
    const noToken = await call('POST', '/api/v1/clouds', {
      provider: 'hetzner',
      title: 'h',
      credentials: {},
    });
    expect(noToken.statusCode).toBe(400);
    expect(noToken.json().error).toMatchObject({ field: 'body.credentials.token' });
    const noEngine = await call('POST', '/api/v1/clouds', {
      provider: 'docker',
      title: 'd',
      credentials: {},
    });
    expect(noEngine.statusCode).toBe(400);
    expect(noEngine.json().error).toMatchObject({ field: 'body.config.host' });
    expect(noEngine.json().error.message).toMatch(/^config\.host is required/);
    const titles = ((await call('GET', '/api/v1/clouds')).json().items as { title: string }[]).map(
      (c) => c.title,
    );
    expect(titles).not.toContain('h');
    expect(titles).not.toContain('d');
  });
});

describe('GET /api/v1/providers', () => {
  it('describes every registered provider: features, form schemas with their hints, no secrets', async () => {
    const res = await call('GET', '/api/v1/providers');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      kind: string;
      label: string;
      features: {
        containers: boolean;
        shell: string;
        create: boolean;
        firewalls: boolean;
        firewallsMade: boolean;
      };
      credentials: { properties: Record<string, { ui?: { widget?: string; label?: string } }> };
      config: { properties: Record<string, unknown> };
    }[];
    const kinds = items.map((p) => p.kind);
    for (const kind of [
      'aws',
      'gce',
      'digitalocean',
      'hetzner',
      'linode',
      'vultr',
      'libvirt',
      'docker',
      'ssh_host',
    ])
      expect(kinds).toContain(kind);
    const docker = items.find((p) => p.kind === 'docker');
    expect(docker?.features).toMatchObject({ containers: true, shell: 'exec', create: false });
    const hetzner = items.find((p) => p.kind === 'hetzner');
    expect(hetzner?.label).toBe('Hetzner Cloud');
    expect(hetzner?.credentials.properties.token?.ui).toMatchObject({ widget: 'secret', label: 'API token' });
    // The web offers "New firewall" from this: KubeVirt's NetworkPolicies are made here, Hetzner's
    // firewalls only have their rules changed.
    expect(items.find((p) => p.kind === 'kubevirt')?.features).toMatchObject({
      firewalls: true,
      firewallsMade: true,
    });
    expect(hetzner?.features).toMatchObject({ firewalls: true, firewallsMade: false });
  });

  it('is for signed-in people only', async () => {
    expect((await call('GET', '/api/v1/providers', undefined, {})).statusCode).toBe(401);
  });

  it('names the providers in the OpenAPI document, and refuses a kind the registry does not know', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json();
    expect(JSON.stringify(doc)).toContain('"enum":["vultr"]');
    const res = await call('POST', '/api/v1/clouds', { provider: 'nimbus', title: 'x', credentials: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('body.provider');
  });
});

const TOKEN_CLOUDS = [
  {
    kind: 'hetzner',
    token: 'hz-right',
    refusal: /unable to authenticate/,
    start: () => startHetznerSim({ projects: [{ token: 'hz-right', servers: 3, namePrefix: 'hz' }] }),
  },
  {
    kind: 'linode',
    token: 'li-right',
    refusal: /Invalid Token/,
    start: () => startLinodeSim({ accounts: [{ token: 'li-right', linodes: 3, namePrefix: 'li' }] }),
  },
  {
    kind: 'vultr',
    token: 'vu-right',
    refusal: /Invalid API token/,
    start: () => startVultrSim({ accounts: [{ token: 'vu-right', instances: 3, namePrefix: 'vu' }] }),
  },
];

describe.each(TOKEN_CLOUDS)('$kind through the API', ({ kind, token, refusal, start }) => {
  it("refuses a wrong token in the provider's words and saves nothing, then lists the machines", async () => {
    const sim = await start();
    sims.push(sim);
    const wrong = await call('POST', '/api/v1/clouds', {
      provider: kind,
      title: `${kind} wrong`,
      credentials: { token: 'not-the-token' },
      endpoint: sim.url,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.message).toMatch(/refused the credentials/);
    expect(wrong.json().error.message).toMatch(refusal);
    const before = (await call('GET', '/api/v1/clouds')).json().items as { title: string }[];
    expect(before.map((c) => c.title)).not.toContain(`${kind} wrong`);

    const added = await call('POST', '/api/v1/clouds', {
      provider: kind,
      title: kind,
      credentials: { token },
      endpoint: sim.url,
    });
    expect(added.statusCode).toBe(201);
    await pollNow(api, added.json().id);
    const machines = (await call('GET', `/api/v1/machines?provider=${kind}`)).json().items as {
      name: string;
    }[];
    expect(machines).toHaveLength(3);
  });
});
