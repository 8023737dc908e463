// KubeVirt's recorded responses (Apache Libcloud's: a kubevirt.io/v1alpha3 cluster, before
// printableStatus), replayed through the real driver and @kubernetes/client-node over loopback.

import type { ProviderDriver } from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKubevirtDriver } from './index';

const NOT_FOUND = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  code: 404,
});

describe('KubeVirt driver on recorded responses', () => {
  let server: ReplayServer;
  const answer = (key: string, file: string, status = 200) => server.script.set(key, { status, file });

  beforeAll(async () => {
    server = await startReplayServer(libcloudFixtures('kubevirt'), { status: 404, body: NOT_FOUND });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const driver = (namespace?: string): ProviderDriver =>
    createKubevirtDriver({
      credentials: {
        kubeconfig: [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: lab, cluster: {server: "http://lab.invalid:6443"}}]',
          'users: [{name: ops, user: {token: fixture-token}}]',
          'contexts: [{name: lab, context: {cluster: lab, user: ops}}]',
          'current-context: lab',
        ].join('\n'),
      },
      // The kubeconfig's server is overridden by the endpoint, as for a proxy in front of the cluster.
      endpoint: server.url,
      config: namespace ? { namespace } : {},
    });

  it('lists the namespaces as locations, sending the kubeconfig token', async () => {
    answer('GET /api/v1/namespaces?limit=250', '_api_v1_namespaces.json');
    const locations = await driver().listLocations();
    expect(locations.map((l) => l.externalId)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'kubevirt',
    ]);
    expect(server.seen[0]?.authorization).toBe('Bearer fixture-token');
  });

  it('maps a v1alpha3 VirtualMachine: running from status.ready, its container disk as the image', async () => {
    answer('GET /apis/kubevirt.io/v1/namespaces/default/virtualmachines?limit=250', 'get_default_vms.json');
    answer(
      'GET /apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances?limit=250',
      'get_kube_public_vms.json',
    );
    const machines = [];
    for await (const m of driver('default').listMachines(new AbortController().signal)) machines.push(m);
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({
      externalId: 'default/testvm',
      name: 'testvm',
      state: 'running',
      rawState: 'Running',
      size: null,
      image: 'kubevirt/cirros-registry-disk-demo',
      location: 'default',
      publicIps: [],
      privateIps: [],
      createdAt: new Date('2019-12-02T15:35:14Z'),
      extra: expect.objectContaining({ memory: '64M' }),
    });
  });

  it('creates a VM by POSTing a VirtualMachine with its DataVolume template, and reads back the answer', async () => {
    answer('POST /apis/kubevirt.io/v1/namespaces/default/virtualmachines', 'create_vm.json', 201);
    const made = await driver().createMachine({
      name: 'libcloud-created',
      size: 'u1.small',
      image: 'os-images/fedora',
      location: 'default',
    });
    expect(made).toMatchObject({
      externalId: 'default/libcloud-created',
      state: 'stopped',
      location: 'default',
    });
    const sent = server.seen[0]!.body as { kind: string; spec: Record<string, unknown> };
    expect(sent.kind).toBe('VirtualMachine');
    expect(sent.spec).toMatchObject({
      instancetype: { name: 'u1.small' },
      dataVolumeTemplates: [
        { spec: { sourceRef: { kind: 'DataSource', namespace: 'os-images', name: 'fedora' } } },
      ],
    });
  });

  it("turns the API server's 404 Status into not-found in its words", async () => {
    await expect(driver().machineAction('default/gone', 'destroy')).rejects.toMatchObject({
      kind: 'not-found',
      message: 'the server could not find the requested resource',
    });
  });
});
