import { type KubevirtSim, startKubevirtSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { startOrgApi, type TestApi } from './support/harness';

// A KubeVirt cloud added through the API with a pasted kubeconfig: refused in the API server's
// words with a wrong token and before any request with an exec plugin (nothing saved), then
// polled; its machines cannot be renamed, which the providers list says.

const TOKEN = 'kv-api-token';
let api: TestApi;
let cookie: string;
let sim: KubevirtSim;

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
  sim = await startKubevirtSim({ machines: 3, namePrefix: 'api', tokens: [{ token: TOKEN }] });
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  api.app.inject({ method, url, payload, headers: { cookie } });

const titles = async () =>
  ((await call('GET', '/api/v1/clouds')).json().items as { title: string }[]).map((c) => c.title);

describe('a KubeVirt cloud', () => {
  it('is refused with a wrong token or an exec plugin, saving nothing', async () => {
    const wrong = await call('POST', '/api/v1/clouds', {
      provider: 'kubevirt',
      title: 'kv-wrong',
      credentials: { kubeconfig: sim.kubeconfig('not-the-token') },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.message).toContain('Unauthorized');
    const exec = await call('POST', '/api/v1/clouds', {
      provider: 'kubevirt',
      title: 'kv-exec',
      credentials: {
        kubeconfig: sim.kubeconfig(TOKEN).replace(`token: ${TOKEN}`, 'exec: {command: /bin/sh}'),
      },
    });
    expect(exec.statusCode).toBe(400);
    expect(exec.json().error.message).toMatch(/exec plugin/);
    const badNamespace = await call('POST', '/api/v1/clouds', {
      provider: 'kubevirt',
      title: 'kv-ns',
      credentials: { kubeconfig: sim.kubeconfig(TOKEN) },
      config: { namespace: 'Not A Namespace' },
    });
    expect(badNamespace.statusCode).toBe(400);
    expect(await titles()).not.toContain('kv-wrong');
    expect(await titles()).not.toContain('kv-exec');
    expect(await titles()).not.toContain('kv-ns');
  });

  it('lists its VirtualMachines, creates one from a DataSource, and refuses to rename one', async () => {
    const added = await call('POST', '/api/v1/clouds', {
      provider: 'kubevirt',
      title: 'kv',
      credentials: { kubeconfig: sim.kubeconfig(TOKEN) },
    });
    expect(added.statusCode, added.body).toBe(201);
    const cloud = added.json() as { id: string };
    await pollNow(api, cloud.id);
    const machines = (await call('GET', `/api/v1/machines?cloud=${cloud.id}&limit=100`)).json().items as {
      id: string;
      name: string;
      state: string;
    }[];
    expect(machines.map((m) => m.name).sort()).toEqual(['api-000', 'api-001', 'api-002']);
    expect(machines.every((m) => m.state === 'running')).toBe(true);

    const rename = await call('POST', `/api/v1/machines/${machines[0]!.id}/actions`, {
      action: 'rename',
      name: 'other',
    });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().error.message).toMatch(/cannot be renamed/);
    const providers = (await call('GET', '/api/v1/providers')).json().items as {
      kind: string;
      features: { rename?: boolean };
    }[];
    expect(providers.find((p) => p.kind === 'kubevirt')?.features.rename).toBe(false);

    const create = (name: string) =>
      call('POST', `/api/v1/clouds/${cloud.id}/machines`, {
        name,
        size: 'u1.small',
        image: 'kubevirt-os-images/fedora',
        location: 'default',
      });
    const made = await create('web-1');
    expect(made.statusCode, made.body).toBe(201);
    expect(sim.cluster.get('virtualmachines', 'default', 'web-1').spec.instancetype.name).toBe('u1.small');
    // Kubernetes names are lowercase: the provider's refusal says so, and nothing is made.
    const refused = await create('Web_1');
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(refused.json().error.message).toMatch(/lowercase/);
    expect(sim.cluster.list('virtualmachines').map((vm) => vm.metadata.name)).not.toContain('Web_1');
  });
});
