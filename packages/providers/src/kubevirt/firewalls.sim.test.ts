// The KubeVirt driver's firewalls (NetworkPolicies, and what Services let in from outside the
// cluster) against the emulated API server.

import { type FirewallDriver, type FirewallRule, isFirewallDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type KubevirtSim, startKubevirtSim } from '../../../cloud-sim/src/kubevirt/index';
import { createKubevirtDriver } from './driver';

const TOKEN = 'kv-fw-admin';
let sim: KubevirtSim;
let driver: FirewallDriver;
const signal = () => new AbortController().signal;
const SSH = { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22 } as const;

function vm(namespace: string, name: string, labels: Record<string, string>) {
  sim.cluster.createVm(namespace, {
    metadata: { name },
    spec: { runStrategy: 'Halted', template: { metadata: { labels }, spec: { domain: { devices: {} } } } },
  });
}

const byId = async (id: string) => (await driver.listFirewalls(signal())).find((f) => f.externalId === id);

beforeAll(async () => {
  sim = await startKubevirtSim({ tokens: [{ token: TOKEN }] });
  sim.cluster.addNamespace('web');
  vm('web', 'front-1', { app: 'front' });
  vm('web', 'front-2', { app: 'front' });
  vm('web', 'db', { app: 'db' });
  // The database lets in the front pods and the office on 5432.
  sim.cluster.put('networkpolicies', {
    metadata: { name: 'db-in', namespace: 'web' },
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'front' } } },
            { ipBlock: { cidr: '198.51.100.0/24' } },
          ],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    },
  });
  const made = createKubevirtDriver({ credentials: { kubeconfig: sim.kubeconfig(TOKEN) }, config: {} });
  if (!isFirewallDriver(made)) throw new Error('the KubeVirt driver has firewalls');
  driver = made;
});
afterAll(() => sim?.close());

describe('KubeVirt NetworkPolicies as firewalls', () => {
  it('lists a policy with its rules, selector sources, and the VMs whose pods it selects', async () => {
    expect(await byId('web/db-in')).toMatchObject({
      name: 'db-in',
      networkId: 'pod',
      machineIds: ['web/db'],
      rules: [
        {
          direction: 'ingress',
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          cidrs: ['198.51.100.0/24'],
          sources: ['pods app=front'],
        },
      ],
    });
  });

  it('creates a policy for VMs, adds and removes an ingress rule, and deletes it', async () => {
    const made = await driver.createFirewall!({
      name: 'front-ssh',
      machineIds: ['web/front-1', 'web/front-2'],
    });
    expect(made.externalId).toBe('web/front-ssh');
    expect((await byId('web/front-ssh'))?.machineIds.sort()).toEqual(['web/front-1', 'web/front-2']);
    await driver.addFirewallRule('web/front-ssh', { ...SSH, cidrs: ['10.0.0.0/8'] });
    await driver.addFirewallRule('web/front-ssh', {
      ...SSH,
      fromPort: 80,
      toPort: 80,
      cidrs: ['0.0.0.0/0', '::/0'],
    });
    expect(sim.cluster.get('networkpolicies', 'web', 'front-ssh').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 22 }] },
      { ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
    await expect(
      driver.addFirewallRule('web/front-ssh', { ...SSH, cidrs: ['10.0.0.0/8'] }),
    ).rejects.toMatchObject({
      kind: 'conflict',
    });
    await driver.removeFirewallRule('web/front-ssh', { ...SSH, cidrs: ['10.0.0.0/8'] });
    expect((await byId('web/front-ssh'))?.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
    await driver.deleteFirewall!('web/front-ssh');
    expect(await byId('web/front-ssh')).toBeUndefined();
  });

  it('refuses what a NetworkPolicy cannot hold, in words', async () => {
    const icmp: FirewallRule = {
      direction: 'ingress',
      protocol: 'icmp',
      fromPort: null,
      toPort: null,
      cidrs: ['0.0.0.0/0'],
    };
    await expect(driver.addFirewallRule('web/db-in', icmp)).rejects.toThrow(/TCP, UDP and SCTP only/);
    await expect(driver.createFirewall!({ name: 'Bad Name', machineIds: ['web/db'] })).rejects.toBeInstanceOf(
      ProviderError,
    );
    await expect(
      driver.createFirewall!({ name: 'mixed', machineIds: ['web/db', 'default/other'] }),
    ).rejects.toThrow(/one namespace/);
  });
});

describe('KubeVirt exposure from outside the cluster', () => {
  it('shows SSH open to everyone through a LoadBalancer Service, until a policy narrows port 22', async () => {
    expect(await byId('outside/web/front-1')).toBeUndefined();
    sim.cluster.put('services', {
      metadata: { name: 'front-ssh', namespace: 'web' },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'front' },
        ports: [{ protocol: 'TCP', port: 2222, targetPort: 22 }],
      },
    });
    expect((await byId('outside/web/front-1'))?.rules).toEqual([{ ...SSH, cidrs: ['0.0.0.0/0', '::/0'] }]);
    expect((await byId('outside/web/front-2'))?.machineIds).toEqual(['web/front-2']);
    // A policy selecting front-1 only, letting 22 in from 10.0.0.0/8.
    await driver.createFirewall!({ name: 'front-1-ssh', machineIds: ['web/front-1'] });
    await driver.addFirewallRule('web/front-1-ssh', { ...SSH, cidrs: ['10.0.0.0/8'] });
    expect((await byId('outside/web/front-1'))?.rules).toEqual([{ ...SSH, cidrs: ['10.0.0.0/8'] }]);
    expect((await byId('outside/web/front-2'))?.rules).toEqual([{ ...SSH, cidrs: ['0.0.0.0/0', '::/0'] }]);
    await expect(
      driver.addFirewallRule('outside/web/front-2', { ...SSH, cidrs: ['10.0.0.0/8'] }),
    ).rejects.toThrow(/change one of those/);
  });

  it('counts nothing from outside for a VM that only a ClusterIP Service reaches', async () => {
    sim.cluster.put('services', {
      metadata: { name: 'db', namespace: 'web' },
      spec: { type: 'ClusterIP', selector: { app: 'db' }, ports: [{ protocol: 'TCP', port: 22 }] },
    });
    expect(await byId('outside/web/db')).toBeUndefined();
  });
});
