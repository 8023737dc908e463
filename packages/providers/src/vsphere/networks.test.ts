// The vSphere driver's networks against the vCenter emulator: portgroups and opaque networks
// with the VMs whose adapters are on them; none made or deleted.

import { isNetworkDriver, type NetworkDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVsphereSim, type VsphereSim } from '../../../cloud-sim/src/vsphere/index';
import { createVsphereDriver } from './index';

const USER = { username: 'overcast@vsphere.local', password: 'Correct horse 1!' };
let sim: VsphereSim;
let driver: NetworkDriver;
const signal = () => new AbortController().signal;

beforeAll(async () => {
  sim = await startVsphereSim({ machines: 3, namePrefix: 'net', users: [USER] });
  const segment = sim.inventory.networks.add('nsx-web', 'OPAQUE_NETWORK');
  // net-0000 is on VM Network and the segment; the others keep the distributed portgroup.
  sim.inventory.vms.get('vm-1000')!.nics = ['network-11', segment.network];
  const made = createVsphereDriver({
    credentials: USER,
    endpoint: sim.url,
    config: { certificateFingerprint: sim.fingerprint },
  });
  if (!isNetworkDriver(made)) throw new Error('the vSphere driver has networks');
  driver = made;
});
afterAll(() => sim?.close());

describe('vSphere networks', () => {
  it('lists standard, distributed and opaque networks with the VMs on each', async () => {
    const networks = await driver.listNetworks(signal());
    expect(networks.map((n) => [n.name, n.extra.type, [...n.machineIds].sort()])).toEqual([
      ['VM Network', 'STANDARD_PORTGROUP', ['vm-1000']],
      ['DPortGroup-Prod', 'DISTRIBUTED_PORTGROUP', ['vm-1001', 'vm-1002']],
      ['nsx-web', 'OPAQUE_NETWORK', ['vm-1000']],
    ]);
    expect(await driver.listSubnets(signal())).toEqual([]);
  });

  it('makes and deletes none, saying where portgroups are made', async () => {
    const before = sim.requestLog.length;
    await expect(driver.createNetwork({ name: 'x', cidr: '10.0.0.0/24', region: null })).rejects.toThrow(
      /vSphere Client/,
    );
    await expect(driver.deleteNetwork('network-11')).rejects.toBeInstanceOf(ProviderError);
    expect(sim.requestLog.length).toBe(before);
  });
});
