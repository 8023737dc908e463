// The state of an emulated vCenter: datacenters, clusters, hosts, datastores and VMs, with the
// refusals vCenter gives in its own words.

import { machineAddress } from '../common/addresses';

export class VcError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly id = 'com.vmware.api.vcenter.error',
  ) {
    super(message);
  }
}

export interface SimVm {
  vm: string;
  name: string;
  power: 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';
  cpus: number;
  memoryMb: number;
  diskGb: number;
  guestOs: string;
  host: string;
  datastore: string;
  /** VMware Tools running in the guest: without them vCenter knows no address. */
  tools: boolean;
  address: string;
}

export interface SimHost {
  host: string;
  name: string;
  cluster: string | null;
  datacenter: string;
}

const GUESTS = ['UBUNTU_64', 'RHEL_9_64', 'WINDOWS_2019SERVER_64', 'DEBIAN_12_64'];
const GIB = 1024 ** 3;

export class VcInventory {
  readonly datacenters = [{ datacenter: 'datacenter-3', name: 'DC1' }];
  readonly clusters = [{ cluster: 'domain-c8', name: 'Cluster-A', ha_enabled: true, drs_enabled: true }];
  readonly hosts: SimHost[] = [];
  readonly datastores = [
    { datastore: 'datastore-20', name: 'vsanDatastore', type: 'VSAN', capacity: 4096 * GIB },
    { datastore: 'datastore-21', name: 'nfs-templates', type: 'NFS', capacity: 1024 * GIB },
  ];
  readonly vms = new Map<string, SimVm>();
  private nextVm = 1000;

  /** Hosts esx-01...: all but the last in Cluster-A, the last standalone in DC1. */
  constructor(hosts: number) {
    for (let i = 0; i < Math.max(1, hosts); i++)
      this.hosts.push({
        host: `host-${10 + i}`,
        name: `esx-${String(i + 1).padStart(2, '0')}.lab.local`,
        cluster: i < hosts - 1 ? 'domain-c8' : null,
        datacenter: 'datacenter-3',
      });
  }

  /** `count` VMs spread over the hosts; every fourth is off, every seventh runs without Tools. */
  seed(count: number, prefix: string): void {
    for (let i = 0; i < count; i++) {
      this.add({
        name: `${prefix}-${String(i).padStart(4, '0')}`,
        power: i % 4 === 3 ? 'POWERED_OFF' : 'POWERED_ON',
        tools: i % 7 !== 6,
        host: this.hosts[i % this.hosts.length]!.host,
        guestOs: GUESTS[i % GUESTS.length]!,
        cpus: 1 + (i % 4),
        memoryMb: 1024 * (1 + (i % 8)),
        diskGb: 40,
      });
    }
  }

  add(v: Omit<SimVm, 'vm' | 'address' | 'datastore'> & { datastore?: string }): SimVm {
    const n = this.nextVm++;
    const vm: SimVm = {
      ...v,
      vm: `vm-${n}`,
      datastore: v.datastore ?? 'vsanDatastore',
      address: machineAddress('vsphere', n % 3 === 0 ? 'private' : 'public', n - 1000),
    };
    this.vms.set(vm.vm, vm);
    return vm;
  }

  get(id: string): SimVm {
    const vm = this.vms.get(id);
    if (!vm)
      throw new VcError(
        404,
        'NOT_FOUND',
        `The object 'vim.VirtualMachine:${id}' has already been deleted or has not been completely created`,
        'vapi.std.errors.not_found',
      );
    return vm;
  }

  summary(vm: SimVm) {
    return {
      vm: vm.vm,
      name: vm.name,
      power_state: vm.power,
      cpu_count: vm.cpus,
      memory_size_MiB: vm.memoryMb,
    };
  }

  details(vm: SimVm) {
    return {
      name: vm.name,
      power_state: vm.power,
      guest_OS: vm.guestOs,
      identity: {
        name: vm.name,
        instance_uuid: `5003${vm.vm.slice(3).padStart(4, '0')}-0000-4000-8000-000000000000`,
      },
      hardware: { version: 'VMX_19', upgrade_policy: 'NEVER' },
      cpu: { count: vm.cpus, cores_per_socket: 1, hot_add_enabled: false, hot_remove_enabled: false },
      memory: { size_MiB: vm.memoryMb, hot_add_enabled: false },
      boot: { type: 'BIOS', delay: 0, retry: false, enter_setup_mode: false },
      disks: {
        '2000': {
          label: 'Hard disk 1',
          type: 'SCSI',
          capacity: vm.diskGb * GIB,
          backing: { type: 'VMDK_FILE', vmdk_file: `[${vm.datastore}] ${vm.name}/${vm.name}.vmdk` },
        },
      },
      nics: {
        '4000': {
          label: 'Network adapter 1',
          type: 'VMXNET3',
          mac_address: `00:50:56:${vm.vm.slice(3).padStart(6, '0').match(/../g)!.join(':')}`,
          state: vm.power === 'POWERED_ON' ? 'CONNECTED' : 'NOT_CONNECTED',
          backing: { type: 'DISTRIBUTED_PORTGROUP', network: 'dvportgroup-30' },
        },
      },
    };
  }

  power(vm: SimVm, action: string): void {
    const on = vm.power === 'POWERED_ON';
    switch (action) {
      case 'start':
        if (on) throw new VcError(400, 'ALREADY_IN_DESIRED_STATE', 'Virtual machine is already powered on.');
        vm.power = 'POWERED_ON';
        return;
      case 'stop':
        if (vm.power === 'POWERED_OFF')
          throw new VcError(400, 'ALREADY_IN_DESIRED_STATE', 'Virtual machine is already powered off.');
        vm.power = 'POWERED_OFF';
        return;
      case 'reset':
      case 'suspend':
        if (!on)
          throw new VcError(
            400,
            'NOT_ALLOWED_IN_CURRENT_STATE',
            vm.power === 'SUSPENDED' ? 'Virtual machine is suspended.' : 'Virtual machine is powered off.',
          );
        if (action === 'suspend') vm.power = 'SUSPENDED';
        return;
      default:
        throw new VcError(400, 'INVALID_ARGUMENT', `Invalid value '${action}' for parameter 'action'.`);
    }
  }

  remove(vm: SimVm): void {
    if (vm.power !== 'POWERED_OFF')
      throw new VcError(
        400,
        'NOT_ALLOWED_IN_CURRENT_STATE',
        vm.power === 'SUSPENDED' ? 'Virtual machine is suspended.' : 'Virtual machine is powered on.',
      );
    this.vms.delete(vm.vm);
  }

  datastoreList() {
    return this.datastores.map((d) => {
      const used = [...this.vms.values()]
        .filter((v) => v.datastore === d.name)
        .reduce((n, v) => n + v.diskGb, 0);
      return { ...d, free_space: Math.max(0, d.capacity - used * GIB) };
    });
  }
}
