import { describe, expect, it } from 'vitest';
import { VcInventory } from './inventory';

// The emulated vCenter's networks: listed with vCenter's filters, and each VM's adapters backed
// by the network it is on, with that network's type.

describe('the emulated vCenter networks', () => {
  it('lists portgroups and opaque networks by type, and backs each adapter with its network', () => {
    const inv = new VcInventory(1);
    const segment = inv.networks.add('nsx-web', 'OPAQUE_NETWORK');
    const vm = inv.add({
      name: 'web-1',
      power: 'POWERED_ON',
      tools: true,
      host: 'host-10',
      guestOs: 'UBUNTU_64',
      cpus: 1,
      memoryMb: 1024,
      diskGb: 20,
      nics: ['network-11', segment.network],
    });
    expect(inv.networks.filter(new URLSearchParams('types=OPAQUE_NETWORK'))).toEqual([
      { network: segment.network, name: 'nsx-web', type: 'OPAQUE_NETWORK' },
    ]);
    expect(inv.networks.filter(new URLSearchParams())).toHaveLength(3);
    expect(() => inv.networks.filter(new URLSearchParams('types=VLAN'))).toThrow(/Invalid value 'VLAN'/);
    const nics = Object.values(inv.details(vm).nics).map((n) => n.backing);
    expect(nics).toEqual([
      { type: 'STANDARD_PORTGROUP', network: 'network-11' },
      { type: 'OPAQUE_NETWORK', network: segment.network },
    ]);
  });
});
