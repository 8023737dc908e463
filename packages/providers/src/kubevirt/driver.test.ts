import { type KubevirtSim, startKubevirtSim } from '@overcast/cloud-sim';
import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubevirtDriver } from './driver';
import { kubevirtModule } from './module';

const TOKEN = 'kv-admin-token';
const NS_TOKEN = 'kv-team-token';
let sim: KubevirtSim;

const driverFor = (token: string, namespace?: string) =>
  createKubevirtDriver({
    credentials: { kubeconfig: sim.kubeconfig(token) },
    config: namespace ? { namespace } : {},
  });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const machines = (token = TOKEN, namespace?: string) =>
  collect(driverFor(token, namespace).listMachines(new AbortController().signal));

beforeAll(async () => {
  sim = await startKubevirtSim({
    machines: 12,
    namePrefix: 'kv',
    tokens: [{ token: TOKEN }, { token: NS_TOKEN, namespaces: ['team'] }],
  });
  sim.cluster.addNamespace('team');
});
afterAll(() => sim.close());

describe('KubeVirt driver against the emulated API server', () => {
  it('lists the VirtualMachines with their state, namespace, instancetype, image and loopback addresses', async () => {
    const list = await machines();
    expect(list).toHaveLength(12);
    const running = list.find((m) => m.name === 'kv-000')!;
    expect(running).toMatchObject({
      externalId: 'default/kv-000',
      state: 'running',
      rawState: 'Running',
      location: 'default',
      size: 'u1.small',
      image: 'kubevirt-os-images/fedora',
      tags: { app: 'kv' },
    });
    expect(running.privateIps[0]).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(list.find((m) => m.name === 'kv-004')).toMatchObject({ state: 'stopped', privateIps: [] });
  });

  it('pages through lists with limit and continue', async () => {
    const before = sim.requestLog.length;
    sim.cluster.seed('default', 300, 'many');
    try {
      expect(await machines()).toHaveLength(312);
      const pages = sim.requestLog
        .slice(before)
        .filter((r) => r.path.startsWith('/apis/kubevirt.io/v1/virtualmachines?'));
      expect(pages.length).toBe(2);
      expect(pages[1]!.path).toContain('continue=');
      // The claims come through the typed core API, whose token is named differently: paged all the same.
      const volumes = await collect(driverFor(TOKEN).listVolumes(new AbortController().signal));
      expect(volumes.filter((v) => v.name.startsWith('many-'))).toHaveLength(300);
      expect(
        sim.requestLog.slice(before).filter((r) => r.path.startsWith('/api/v1/persistentvolumeclaims?'))
          .length,
      ).toBe(2);
    } finally {
      for (let i = 0; i < 300; i++)
        sim.cluster.delete('virtualmachines', 'default', `many-${String(i).padStart(3, '0')}`);
    }
  });

  it('stops, starts, restarts and destroys through the subresources', async () => {
    const d = driverFor(TOKEN);
    await d.machineAction('default/kv-001', 'stop');
    expect((await machines()).find((m) => m.name === 'kv-001')).toMatchObject({
      state: 'stopped',
      rawState: 'Stopped',
    });
    await d.machineAction('default/kv-001', 'stop'); // already stopped: done, not an error
    await d.machineAction('default/kv-001', 'start');
    const started = (await machines()).find((m) => m.name === 'kv-001')!;
    expect(started.state).toBe('running');
    await d.machineAction('default/kv-001', 'reboot');
    const after = (await machines()).find((m) => m.name === 'kv-001')!;
    expect(after.privateIps).not.toEqual(started.privateIps);
    await d.machineAction('default/kv-002', 'destroy');
    expect((await machines()).map((m) => m.name)).not.toContain('kv-002');
    await expect(d.machineAction('default/kv-002', 'destroy')).rejects.toMatchObject({
      kind: 'not-found',
      message: 'virtualmachines.kubevirt.io "kv-002" not found',
    });
    await expect(d.machineAction('default/kv-003', 'rename', { name: 'x' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(d.machineAction('../etc', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    expect(kubevirtModule.features.rename).toBe(false);
  });

  it('creates a VM from a DataSource and an instancetype, its root DataVolume listed as an attached volume', async () => {
    const d = driverFor(TOKEN);
    const sizes = await d.listSizes();
    expect(sizes.map((s) => s.externalId)).toEqual(['u1.small', 'u1.medium', 'u1.large']);
    expect(sizes[2]).toMatchObject({ cpus: 2, memoryMb: 8192 });
    const images = await d.listImages();
    expect(images.map((i) => i.externalId)).toEqual([
      'kubevirt-os-images/fedora',
      'kubevirt-os-images/ubuntu',
    ]);
    expect((await d.listLocations()).map((l) => l.externalId)).toContain('team');
    const made = await d.createMachine({
      name: 'web-1',
      size: 'u1.medium',
      image: 'kubevirt-os-images/ubuntu',
      location: 'team',
      tags: { env: 'prod' },
      sshKey: { name: 'me', publicKey: 'ssh-ed25519 AAAA me@host' },
      userData: '#!/bin/sh\necho hello > /tmp/hello',
    });
    // The key and a post-deploy script both reach cloud-init, as parts of one multipart user data.
    const userData = sim.cluster.get('virtualmachines', 'team', 'web-1').spec.template.spec.volumes[1]
      .cloudInitNoCloud.userData as string;
    expect(userData).toContain('ssh_authorized_keys:\n  - "ssh-ed25519 AAAA me@host"');
    expect(userData).toContain('Content-Type: text/x-shellscript');
    expect(userData).toContain('echo hello > /tmp/hello');
    expect(made).toMatchObject({
      externalId: 'team/web-1',
      state: 'running',
      size: 'u1.medium',
      tags: { env: 'prod' },
    });
    const volumes = await collect(d.listVolumes(new AbortController().signal));
    expect(volumes.find((v) => v.externalId === 'team/web-1-root')).toMatchObject({
      sizeGb: 10,
      state: 'in-use',
      attachedTo: ['team/web-1'],
      extra: expect.objectContaining({ kind: 'DataVolume' }),
    });
    await expect(
      d.createMachine({
        name: 'web-1',
        size: 'u1.medium',
        image: 'kubevirt-os-images/ubuntu',
        location: 'team',
      }),
    ).rejects.toMatchObject({
      kind: 'conflict',
      message: 'virtualmachines.kubevirt.io "web-1" already exists',
    });
    await expect(
      d.createMachine({
        name: 'Web_1',
        size: 'u1.medium',
        image: 'kubevirt-os-images/ubuntu',
        location: 'team',
      }),
    ).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('makes, attaches, detaches and deletes a blank DataVolume', async () => {
    const d = driverFor(TOKEN);
    const made = await d.volumeAction({ op: 'create', name: 'data-1', sizeGb: 20, location: 'default' });
    expect(made).toMatchObject({ externalId: 'default/data-1', sizeGb: 20 });
    await d.volumeAction({ op: 'attach', volumeId: 'default/data-1', machineId: 'default/kv-005' });
    const listed = async () =>
      (await collect(d.listVolumes(new AbortController().signal))).find(
        (v) => v.externalId === 'default/data-1',
      );
    expect(await listed()).toMatchObject({ state: 'in-use', attachedTo: ['default/kv-005'] });
    await d.volumeAction({ op: 'detach', volumeId: 'default/data-1', machineId: 'default/kv-005' });
    expect(await listed()).toMatchObject({ state: 'available', attachedTo: [] });
    await d.volumeAction({ op: 'delete', volumeId: 'default/data-1' });
    expect(await listed()).toBeUndefined();
  });

  it('keeps to the configured namespace, and a namespaced account is refused the cluster scope in Kubernetes words', async () => {
    expect((await machines(NS_TOKEN, 'team')).every((m) => m.location === 'team')).toBe(true);
    const err = await driverFor(NS_TOKEN)
      .validate()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as ProviderError).message).toMatch(
      /cannot list resource "virtualmachines" in API group "kubevirt.io" at the cluster scope/,
    );
    await expect(driverFor(NS_TOKEN, 'team').machineAction('default/kv-000', 'stop')).rejects.toMatchObject({
      kind: 'not-found',
    });
  });

  it('refuses a wrong token as the API server does', async () => {
    await expect(driverFor('not-the-token').validate()).rejects.toMatchObject({
      kind: 'auth',
      message: 'Unauthorized',
    });
  });

  it('waits out a 429 with Retry-After and an outage, then answers', async () => {
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 1 });
    sim.knobs.burst({ status: 503, count: 1 });
    const started = Date.now();
    expect(await machines()).not.toHaveLength(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('says when the cluster serves no instancetypes', async () => {
    const bare = await startKubevirtSim({ tokens: [{ token: TOKEN }], instancetypes: false });
    try {
      const d = createKubevirtDriver({ credentials: { kubeconfig: bare.kubeconfig(TOKEN) } });
      expect(await d.listSizes()).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('refuses kubeconfigs that would run commands, read files or reach an unchecked address', () => {
    const exec = sim.kubeconfig(TOKEN).replace(`    token: ${TOKEN}`, '    exec:\n      command: /bin/sh');
    expect(kubevirtModule.check({ kubeconfig: exec }, {})).toMatch(/exec plugin/);
    expect(kubevirtModule.check({ kubeconfig: 'kind: Config' }, {})).toMatch(/names no cluster server/);
    const refusal = (kubeconfig: string) => {
      try {
        createKubevirtDriver({ credentials: { kubeconfig } });
        return undefined;
      } catch (err) {
        expect(err).toMatchObject({ kind: 'invalid' });
        return (err as Error).message;
      }
    };
    const file = sim
      .kubeconfig(TOKEN)
      .replace(/certificate-authority-data: \S+/, 'certificate-authority: /etc/passwd');
    expect(refusal(file)).toMatch(/file path/);
    expect(refusal('server: https://x\n{{{')).toMatch(/not valid YAML|not a YAML mapping/);
    // An address spelt through an alias was never checked by the outbound guard: refused.
    const aliased = sim
      .kubeconfig(TOKEN)
      .replace(/server: \S+/, 'server: *elsewhere')
      .replace('kind: Config', `kind: Config\nx: &elsewhere ${sim.url}`);
    expect(kubevirtModule.credentialDestinations({ kubeconfig: aliased })).not.toContain(sim.url);
    expect(refusal(aliased)).toMatch(/server plainly/);
    expect(kubevirtModule.check({ kubeconfig: sim.kubeconfig(TOKEN) }, { namespace: 'Bad_NS' })).toMatch(
      /namespace/,
    );
    expect(kubevirtModule.check({ kubeconfig: sim.kubeconfig(TOKEN) }, {})).toBeUndefined();
    expect(kubevirtModule.credentialDestinations({ kubeconfig: sim.kubeconfig(TOKEN) })).toEqual([sim.url]);
  });
});
