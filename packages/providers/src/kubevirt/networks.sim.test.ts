// The KubeVirt driver's networks (the pod network and Multus NetworkAttachmentDefinitions)
// against the emulated API server.

import { isNetworkDriver, type NetworkDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type KubevirtSim, startKubevirtSim } from '../../../cloud-sim/src/kubevirt/index';
import { createKubevirtDriver } from './driver';

const TOKEN = 'kv-net-admin';
const TEAM_TOKEN = 'kv-net-team';
let sim: KubevirtSim;
const signal = () => new AbortController().signal;

function networkDriver(token = TOKEN, namespace?: string): NetworkDriver {
  const driver = createKubevirtDriver({
    credentials: { kubeconfig: sim.kubeconfig(token) },
    config: namespace ? { namespace } : {},
  });
  if (!isNetworkDriver(driver)) throw new Error('the KubeVirt driver has networks');
  return driver;
}

const storage = { storage: { resources: { requests: { storage: '1Gi' } } } };

/** A VM on the pod network and a definition, as a user would write it. */
function vmOn(namespace: string, name: string, networks: unknown[]) {
  sim.cluster.createVm(namespace, {
    metadata: { name },
    spec: {
      runStrategy: 'Halted',
      dataVolumeTemplates: [{ metadata: { name: `${name}-root` }, spec: storage }],
      template: { spec: { domain: { devices: {} }, networks } },
    },
  });
}

beforeAll(async () => {
  sim = await startKubevirtSim({
    machines: 2,
    namePrefix: 'plain',
    tokens: [{ token: TOKEN }, { token: TEAM_TOKEN, namespaces: ['team'] }],
  });
  sim.cluster.addNamespace('team');
  sim.cluster.createAttachment('team', {
    metadata: { name: 'storage-net' },
    spec: {
      config: JSON.stringify({
        cniVersion: '0.3.1',
        type: 'macvlan',
        master: 'eth1',
        ipam: { type: 'whereabouts', ranges: [[{ subnet: '192.168.50.0/24' }]] },
      }),
    },
  });
  vmOn('team', 'db', [
    { name: 'default', pod: {} },
    { name: 'storage', multus: { networkName: 'storage-net' } },
  ]);
  vmOn('default', 'backup', [{ name: 'storage', multus: { networkName: 'team/storage-net' } }]);
});
afterAll(() => sim.close());

describe('KubeVirt networks against the emulated API server', () => {
  it('lists the pod network and each NetworkAttachmentDefinition with the VMs that join it', async () => {
    const networks = await networkDriver().listNetworks(signal());
    const pod = networks.find((n) => n.externalId === 'pod')!;
    expect(pod).toMatchObject({ isDefault: true, cidr: null });
    // The seeded VMs name no network, which KubeVirt reads as the pod network.
    expect(pod.machineIds.sort()).toEqual(['default/plain-000', 'default/plain-001', 'team/db']);
    expect(networks.find((n) => n.externalId === 'team/storage-net')).toMatchObject({
      name: 'storage-net',
      cidr: '192.168.50.0/24',
      region: 'team',
      isDefault: false,
      machineIds: ['default/backup', 'team/db'],
    });
    expect(await networkDriver().listSubnets(signal())).toEqual([]);
  });

  it('creates a bridge definition with host-local IPAM over the range, and deletes it', async () => {
    const driver = networkDriver(TEAM_TOKEN, 'team');
    const made = await driver.createNetwork({ name: 'lab', cidr: '10.20.0.0/24', region: null });
    expect(made).toMatchObject({ externalId: 'team/lab', cidr: '10.20.0.0/24', region: 'team' });
    const stored = sim.cluster.get('network-attachment-definitions', 'team', 'lab');
    expect(JSON.parse(stored.spec.config)).toMatchObject({
      type: 'bridge',
      bridge: 'br-lab',
      ipam: { type: 'host-local', subnet: '10.20.0.0/24' },
    });
    expect((await driver.listNetworks(signal())).map((n) => n.externalId)).toContain('team/lab');

    await driver.deleteNetwork('team/lab');
    expect((await driver.listNetworks(signal())).map((n) => n.externalId)).not.toContain('team/lab');
  });

  it("refuses in Kubernetes' words: a name taken, one gone, a namespace the account may not touch", async () => {
    const driver = networkDriver();
    await expect(
      driver.createNetwork({ name: 'storage-net', cidr: '10.9.0.0/24', region: 'team' }),
    ).rejects.toMatchObject({
      kind: 'conflict',
      options: { status: 409, code: 'AlreadyExists' },
      message: expect.stringContaining('"storage-net" already exists'),
    });
    await expect(driver.deleteNetwork('team/nowhere')).rejects.toMatchObject({
      kind: 'not-found',
      message: 'network-attachment-definitions.k8s.cni.cncf.io "nowhere" not found',
    });
    const team = networkDriver(TEAM_TOKEN);
    await expect(
      team.createNetwork({ name: 'sneaky', cidr: '10.9.0.0/24', region: 'default' }),
    ).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('cannot change resource "network-attachment-definitions"'),
    });
    expect(() => sim.cluster.get('network-attachment-definitions', 'default', 'sneaky')).toThrow();
  });

  it('refuses bad input before any request, and never deletes the pod network', async () => {
    const driver = networkDriver(TEAM_TOKEN, 'team');
    const before = sim.requestLog.length;
    for (const bad of [
      driver.createNetwork({ name: 'Bad Name', cidr: '10.0.0.0/24', region: null }),
      driver.createNetwork({ name: 'ok', cidr: 'not-a-cidr', region: null }),
      driver.createNetwork({ name: 'ok', cidr: '10.0.0.0/24', region: 'other' }),
      driver.deleteNetwork('pod'),
      driver.deleteNetwork('team/x/y'),
      driver.deleteNetwork('team/\u0000'),
    ])
      await expect(bad).rejects.toBeInstanceOf(ProviderError);
    expect(sim.requestLog.length).toBe(before);
  });

  it('lists the pod network alone on a cluster without Multus', async () => {
    const bare = await startKubevirtSim({
      machines: 1,
      namePrefix: 'solo',
      multus: false,
      tokens: [{ token: TOKEN }],
    });
    try {
      const driver = createKubevirtDriver({
        credentials: { kubeconfig: bare.kubeconfig(TOKEN) },
        config: {},
      });
      if (!isNetworkDriver(driver)) throw new Error('the KubeVirt driver has networks');
      expect(await driver.listNetworks(signal())).toMatchObject([
        { externalId: 'pod', machineIds: ['default/solo-000'] },
      ]);
    } finally {
      await bare.close();
    }
  });

  it('pages through definitions with limit and continue', async () => {
    for (let i = 0; i < 260; i++)
      sim.cluster.createAttachment('default', {
        metadata: { name: `many-${String(i).padStart(3, '0')}` },
        spec: {
          config: JSON.stringify({
            type: 'bridge',
            ipam: { type: 'host-local', subnet: `10.1.${i % 250}.0/24` },
          }),
        },
      });
    const before = sim.requestLog.length;
    const networks = await networkDriver().listNetworks(signal());
    expect(networks.filter((n) => n.name.startsWith('many-'))).toHaveLength(260);
    const pages = sim.requestLog
      .slice(before)
      .filter((r) => r.path.includes('network-attachment-definitions'));
    expect(pages.length).toBe(2);
    expect(pages[1]!.path).toContain('continue=');
  });
});
