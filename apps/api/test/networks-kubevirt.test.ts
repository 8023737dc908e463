import { type KubevirtSim, startKubevirtSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud, pollNow } from './support/clouds';
import { exposedNames, listedNetworking, ruleChangeRefusedToOthers } from './support/firewalls';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// A KubeVirt cluster's firewalls through the api, against the emulated API server: its
// NetworkPolicies with the VMs whose pods they select, a policy made for VMs, a rule added and
// removed; and the exposure card, which lists a VM only while a LoadBalancer Service routes to
// its port 22 and no NetworkPolicy selecting it narrows 22.

const TOKEN = 'kv-api-net';
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: KubevirtSim;
let viewer: string;
let stranger: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const listed = () => listedNetworking(org.api, org.ownerCookie, () => cloudId);
const exposureCard = () => exposedNames(org.api, org.ownerCookie);
const names = (list: Array<{ name: string }>) => list.map((m) => m.name).sort();
const SSH_OFFICE = { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['10.0.0.0/8'] };

function vm(name: string, labels: Record<string, string>) {
  sim.cluster.createVm('web', {
    metadata: { name },
    spec: { runStrategy: 'Always', template: { metadata: { labels }, spec: { domain: { devices: {} } } } },
  });
}

beforeAll(async () => {
  org = await startOrgApi();
  sim = await startKubevirtSim({ tokens: [{ token: TOKEN }] });
  sim.cluster.addNamespace('web');
  vm('front-1', { app: 'front' });
  vm('front-2', { app: 'front' });
  vm('db', { app: 'db' });
  sim.cluster.put('networkpolicies', {
    metadata: { name: 'db-in', namespace: 'web' },
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'front' } } }], ports: [{ port: 5432 }] }],
    },
  });
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'kubevirt',
    title: 'kv',
    credentials: { kubeconfig: sim.kubeconfig(TOKEN) },
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

describe('KubeVirt firewalls', () => {
  it('lists a NetworkPolicy with its rule, its pod sources and the VM it selects; every VM on the pod network', async () => {
    const policy = await listed().firewall('web/db-in');
    expect(names(policy.machines)).toEqual(['db']);
    expect(policy.rules).toEqual([
      {
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        cidrs: [],
        sources: ['pods app=front'],
      },
    ]);
    const pod = (await listed().networks()).find((n: { externalId: string }) => n.externalId === 'pod');
    expect(pod.machineCount).toBe(3);
  });

  it('lists no VM on the exposure card while no Service reaches it from outside the cluster', async () => {
    expect(await exposureCard()).toEqual([]);
  });

  it('lists the VMs a LoadBalancer Service routes port 22 to, until a policy limits 22 to 10.0.0.0/8', async () => {
    sim.cluster.put('services', {
      metadata: { name: 'front-ssh', namespace: 'web' },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'front' },
        ports: [{ protocol: 'TCP', port: 22, targetPort: 22 }],
      },
    });
    expect((await pollNow(org.api, cloudId, 'networks')).status).toBe('ok');
    expect(await exposureCard()).toEqual(['front-1', 'front-2']);

    const machines = (await call('GET', `/api/v1/machines?cloud=${cloudId}&limit=100`)).json()
      .items as Array<{
      id: string;
      name: string;
    }>;
    const fronts = machines.filter((m) => m.name.startsWith('front-')).map((m) => m.id);
    const made = await call('POST', '/api/v1/firewalls', { cloudId, name: 'front-ssh', machineIds: fronts });
    expect(made.statusCode, made.body).toBe(201);
    expect(names(made.json().machines)).toEqual(['front-1', 'front-2']);
    // A policy with no rules yet lets nothing in: nothing reaches 22 from outside.
    expect(await exposureCard()).toEqual([]);
    const added = await call('POST', `/api/v1/firewalls/${made.json().id}/rules`, { rule: SSH_OFFICE });
    expect(added.statusCode, added.body).toBe(200);
    expect(sim.cluster.get('networkpolicies', 'web', 'front-ssh').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 22 }] },
    ]);
    expect(await exposureCard()).toEqual([]);
    const outside = await listed().firewall('outside/web/front-1');
    expect(outside).toMatchObject({ readOnly: true, rules: [{ fromPort: 22, cidrs: ['10.0.0.0/8'] }] });
    const refused = await call('POST', `/api/v1/firewalls/${outside.id}/rules`, { rule: SSH_OFFICE });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);

    const gone = await call('DELETE', `/api/v1/firewalls/${made.json().id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect(await exposureCard()).toEqual(['front-1', 'front-2']);
  });

  it('refuses a policy for machines of another cloud, and a viewer’s or another organization’s change', async () => {
    const bad = await call('POST', '/api/v1/firewalls', {
      cloudId,
      name: 'nobody',
      machineIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error.field).toBe('body.machineIds');
    const fw = await listed().underTest('web/db-in', () =>
      sim.cluster.get('networkpolicies', 'web', 'db-in').spec.ingress.length === 1 ? ['5432'] : ['changed'],
    );
    await ruleChangeRefusedToOthers(fw, { viewer, stranger }, () => sim.requestLog.length);
  });
});
