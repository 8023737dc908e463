// Azure Resource Manager's recorded answers (Apache Libcloud's azure_arm fixtures) fed through the
// driver's real SDK clients: VMs across two recorded pages with the power state from each
// instance view, addresses from the network interfaces, managed disks and their attachments,
// virtual networks with their subnets and the VMs whose NICs the subnets name.
// Sign-in is the emulator's token endpoint; ARM is the replay, both over TLS with one CA.

import {
  isNetworkDriver,
  type ProviderDriver,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { libcloudFixtures, type ReplayServer, startReplayServer } from '@overcast/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
import { makeTlsMaterial } from '../../../cloud-sim/src/docker/tls';
import { createAzureDriver } from './index';

const SUB = '99999999-9999-9999-9999-999999999999';
const TENANT = '77777777-7777-7777-7777-777777777777';
const CLIENT = '55555555-5555-5555-5555-555555555555';
const NOT_RECORDED = JSON.stringify({ value: [] });

let replay: ReplayServer;
let login: AzureSim;

beforeAll(async () => {
  const tls = makeTlsMaterial('azure-fixtures');
  replay = await startReplayServer(
    libcloudFixtures('azure_arm'),
    { status: 200, body: NOT_RECORDED },
    { key: tls.serverKey, cert: tls.serverCert },
  );
  login = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 'recorded', subscriptions: [] }],
    subscriptions: [],
    tls: { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca },
  });
});
afterAll(async () => {
  await replay?.close();
  await login?.close();
});

function driver(): ProviderDriver {
  return createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'recorded' },
    endpoint: replay.url,
    config: {
      subscriptionId: SUB,
      authorityHost: login.url,
      caCertificate: login.ca,
      pricesEndpoint: '',
      retryAttempts: 1,
    },
  });
}

const F = (name: string) => `_subscriptions_99999999_${name}.json`;
/** Answers GETs of `path` (whatever the query's api-version) with a recorded file. */
function answer(path: string, file: string) {
  replay.script.set(`GET ${path}`, { status: 200, file });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('Azure driver on recorded ARM answers', () => {
  it('lists VMs across recorded pages, with power state from each instance view, size and image', async () => {
    replay.reset();
    const seenPaths = () => replay.seen.map((s) => s.path);
    // First a dry run to learn the exact query strings this SDK version sends.
    await collect(driver().listMachines(new AbortController().signal)).catch(() => []);
    const vmList = seenPaths().find((p) => p.includes('/Microsoft.Compute/virtualMachines?'))!;
    const nicList = seenPaths().find((p) => p.includes('/networkInterfaces?'))!;
    replay.reset();
    answer(vmList, F('providers_Microsoft_Compute_virtualMachines'));
    answer(nicList, F('providers_Microsoft_Network_networkInterfaces'));
    await collect(driver().listMachines(new AbortController().signal)).catch(() => []);
    // The recorded nextLink names management.azure.com: it is followed on the replay instead.
    const next = seenPaths().find((p) => p.includes('skiptoken'));
    expect(next).toBeDefined();
    const view1 = seenPaths().find((p) => p.includes('test-node-1/instanceView'));
    replay.reset();
    answer(vmList, F('providers_Microsoft_Compute_virtualMachines'));
    answer(nicList, F('providers_Microsoft_Network_networkInterfaces'));
    answer(next!, F('providers_Microsoft_Compute_virtualMachines_1'));
    answer(
      view1!,
      F('resourceGroups_000000_providers_Microsoft_Compute_virtualMachines_test_node_1_InstanceView'),
    );
    answer(
      view1!.replace('test-node-1', 'test-node-2'),
      F('resourceGroups_000000_providers_Microsoft_Compute_virtualMachines_test_node_2_InstanceView'),
    );
    const vms: RemoteMachine[] = await collect(driver().listMachines(new AbortController().signal));
    expect(vms.map((m) => m.name)).toEqual(['test-node-1', 'test-node-2']);
    const [one] = vms;
    expect(one).toMatchObject({
      externalId: `/subscriptions/${SUB}/resourceGroups/000000/providers/Microsoft.Compute/virtualMachines/test-node-1`,
      state: 'running',
      rawState: 'running',
      size: 'Standard_A1',
      image: 'OpenLogic:CentOS:7.3:latest',
      location: 'eastus',
    });
    expect(vms[1]).toMatchObject({ name: 'test-node-2', state: 'running', location: 'eastus' });
    expect(
      replay.seen.every((s) => s.authorization === `Bearer ${[...login.login.tokens.keys()].at(-1)}`),
    ).toBe(true);
  });

  it('lists managed disks across recorded pages, attached and not', async () => {
    replay.reset();
    await collect(driver().listVolumes(new AbortController().signal)).catch(() => []);
    const list = replay.seen.map((s) => s.path).find((p) => p.includes('/disks?'))!;
    replay.reset();
    answer(list, F('providers_Microsoft_Compute_disks'));
    await collect(driver().listVolumes(new AbortController().signal)).catch(() => []);
    const next = replay.seen.map((s) => s.path).find((p) => p.includes('skiptoken'))!;
    answer(next, F('providers_Microsoft_Compute_disks_1'));
    const disks: RemoteVolume[] = await collect(driver().listVolumes(new AbortController().signal));
    expect(disks.map((d) => d.name)).toEqual(['test-disk-1', 'test-disk-2', 'test-disk-3', 'test-disk-4']);
    expect(disks.find((d) => d.name === 'test-disk-1')).toMatchObject({
      state: 'in-use',
      sizeGb: 31,
      location: 'eastus',
      rawState: 'Attached',
    });
    expect(disks.find((d) => d.name === 'test-disk-2')).toMatchObject({
      state: 'available',
      rawState: 'Unattached',
    });
  });

  it('lists a recorded virtual network with its address space, subnet and the VM of the NIC in it', async () => {
    const azure = driver();
    if (!isNetworkDriver(azure)) throw new Error('the Azure driver has networks');
    replay.reset();
    await azure.listNetworks(new AbortController().signal);
    const vnetList = replay.seen.map((s) => s.path).find((p) => p.includes('/virtualNetworks?'))!;
    const nicList = replay.seen.map((s) => s.path).find((p) => p.includes('/networkInterfaces?'))!;
    replay.reset();
    answer(vnetList, F('providers_Microsoft_Network_virtualnetworks'));
    answer(nicList, F('providers_Microsoft_Network_networkInterfaces'));
    const signal = new AbortController().signal;
    const [network] = await azure.listNetworks(signal);
    const vm =
      '/subscriptions/subid/resourceGroups/REVIZOR/providers/Microsoft.Compute/virtualMachines/test-vm-1';
    expect(network).toMatchObject({
      externalId: `/subscriptions/${SUB}/resourceGroups/REVIZOR/providers/Microsoft.Network/virtualNetworks/test_network`,
      name: 'test_network',
      cidr: '10.39.0.0/16',
      region: 'westus2',
      isDefault: false,
      tags: { tag_key1: 'tag_val1' },
      machineIds: [vm],
    });
    expect(await azure.listSubnets(signal)).toEqual([
      expect.objectContaining({
        name: 'Azure_VPC_Subnet',
        networkId: network!.externalId,
        cidr: '10.17.26.0/19',
        location: 'westus2',
        machineIds: [vm],
      }),
    ]);
  });
});
