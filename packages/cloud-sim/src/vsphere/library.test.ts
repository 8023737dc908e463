import { describe, expect, it } from 'vitest';
import { VcInventory } from './inventory';
import { ContentLibrary } from './library';

// The emulated deploy as vCenter answers it: powered on a moment after when asked, cloud-init
// taken only while the VM is off, each new VM with an address of vSphere's loopback block.

const TEMPLATE = 'a1b2c3d4-0001-4000-8000-000000000001';

describe('the emulated content library', () => {
  it('powers a VM deployed powered on after its boot delay, and customizes only a VM that is off', async () => {
    const inventory = new VcInventory(2);
    const library = new ContentLibrary(inventory, 30);
    const vm = library.deploy(TEMPLATE, { name: 'boot-1', placement: { host: 'host-10' }, powered_on: true });
    expect(vm).toMatchObject({ power: 'POWERED_OFF', cpus: 2, memoryMb: 2048, datastore: 'nfs-templates' });
    const cloudInit = {
      spec: {
        configuration_spec: {
          cloud_config: { type: 'CLOUDINIT', cloudinit: { userdata: '#cloud-config\n' } },
        },
      },
    };
    library.customize(vm, cloudInit);
    await new Promise((r) => setTimeout(r, 80));
    expect(vm.power).toBe('POWERED_ON');
    expect(() => library.customize(vm, cloudInit)).toThrow(/must be powered off/);
    expect(vm.address).toMatch(/^127\.1(7[6-9]|8\d|9[01])\./); // vSphere's block: 127.176-191
    expect(() => library.deploy(TEMPLATE, { name: 'boot-2', placement: {} })).toThrow(
      /'placement.host' is unset/,
    );
    expect(() =>
      library.deploy(TEMPLATE, {
        name: 'boot-3',
        placement: { host: 'host-10' },
        hardware_customization: { memory_update: { memory: 1001 } },
      }),
    ).toThrow(/multiple of 4 MiB/);
  });
});
