// The state of an emulated vCenter: datacenters, clusters, hosts, datastores and VMs, with the
// refusals vCenter gives in its own words.

import { machineAddress } from '../common/addresses';
import { VcError } from './errors';
import { VcNetworks } from './networks';

export { VcError };

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
  coresPerSocket: number;
  /** CPU Hot Plug: vCPUs added (removed) while the VM runs. */
  cpuHotAdd: boolean;
  cpuHotRemove: boolean;
  /** Memory Hot Plug: memory added while the VM runs; vSphere never removes it hot. */
  memoryHotAdd: boolean;
  /** The networks its adapters are on, one adapter each (keys 4000, 4001, ...). */
  nics: string[];
}

/**
 * A VM's hardware settings a caller may leave to vCenter's defaults (off, one core a socket,
 * one adapter on the distributed portgroup).
 */
type HardwareDefaults = 'coresPerSocket' | 'cpuHotAdd' | 'cpuHotRemove' | 'memoryHotAdd' | 'nics';

export interface SimHost {
  host: string;
  name: string;
  cluster: string | null;
  datacenter: string;
  /** Logical CPUs (hardware threads) and memory: what a VM on it may have at most. */
  cpuThreads: number;
  memoryMb: number;
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
  readonly networks = new VcNetworks();
  private nextVm = 1000;

  /** Hosts esx-01...: all but the last in Cluster-A, the last standalone in DC1. */
  constructor(hosts: number) {
    for (let i = 0; i < Math.max(1, hosts); i++)
      this.hosts.push({
        host: `host-${10 + i}`,
        name: `esx-${String(i + 1).padStart(2, '0')}.lab.local`,
        cluster: i < hosts - 1 ? 'domain-c8' : null,
        datacenter: 'datacenter-3',
        // The standalone host is a small one: 4 threads and 16 GiB.
        cpuThreads: i < hosts - 1 ? 32 : 4,
        memoryMb: i < hosts - 1 ? 256 * 1024 : 16 * 1024,
      });
  }

  /** `count` VMs spread over the hosts; every fourth is off, every seventh runs without Tools, every fifth has hot plug on. */
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
        cpuHotAdd: i % 5 === 0,
        memoryHotAdd: i % 5 === 0,
      });
    }
  }

  add(
    v: Omit<SimVm, 'vm' | 'address' | 'datastore' | HardwareDefaults> &
      Partial<Pick<SimVm, 'datastore' | HardwareDefaults>>,
  ): SimVm {
    const n = this.nextVm++;
    const vm: SimVm = {
      coresPerSocket: 1,
      cpuHotAdd: false,
      cpuHotRemove: false,
      memoryHotAdd: false,
      nics: ['dvportgroup-30'],
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
      cpu: this.cpuInfo(vm),
      memory: this.memoryInfo(vm),
      boot: { type: 'BIOS', delay: 0, retry: false, enter_setup_mode: false },
      disks: {
        '2000': {
          label: 'Hard disk 1',
          type: 'SCSI',
          capacity: vm.diskGb * GIB,
          backing: { type: 'VMDK_FILE', vmdk_file: `[${vm.datastore}] ${vm.name}/${vm.name}.vmdk` },
        },
      },
      nics: Object.fromEntries(
        vm.nics.map((network, i) => [
          String(4000 + i),
          {
            label: `Network adapter ${i + 1}`,
            type: 'VMXNET3',
            mac_address: `00:50:56:${vm.vm.slice(3).padStart(5, '0').concat(String(i)).match(/../g)!.join(':')}`,
            state: vm.power === 'POWERED_ON' ? 'CONNECTED' : 'NOT_CONNECTED',
            backing: { type: this.networks.get(network).type, network },
          },
        ]),
      ),
    };
  }

  cpuInfo(vm: SimVm) {
    return {
      count: vm.cpus,
      cores_per_socket: vm.coresPerSocket,
      hot_add_enabled: vm.cpuHotAdd,
      hot_remove_enabled: vm.cpuHotRemove,
    };
  }

  memoryInfo(vm: SimVm) {
    return {
      size_MiB: vm.memoryMb,
      hot_add_enabled: vm.memoryHotAdd,
      ...(vm.memoryHotAdd ? { hot_add_increment_size_MiB: 128, hot_add_limit_MiB: 16 * vm.memoryMb } : {}),
    };
  }

  /** `PATCH /api/vcenter/vm/{vm}/hardware/cpu`: checked whole, then applied. */
  updateCpu(vm: SimVm, spec: Record<string, unknown>): void {
    const count = field(spec, 'count', 'integer') ?? vm.cpus;
    const perSocket = field(spec, 'cores_per_socket', 'integer') ?? vm.coresPerSocket;
    const hotAdd = field(spec, 'hot_add_enabled', 'boolean') ?? vm.cpuHotAdd;
    const hotRemove = field(spec, 'hot_remove_enabled', 'boolean') ?? vm.cpuHotRemove;
    if (count < 1 || count > 768) throw invalidValue(count, 'count');
    if (perSocket < 1 || count % perSocket !== 0)
      throw new VcError(
        400,
        'INVALID_ARGUMENT',
        `The number of virtual CPUs (${count}) must be a multiple of the number of cores per socket (${perSocket}).`,
        'com.vmware.api.vcenter.vm.hardware.cpu.count_not_multiple',
      );
    if (vm.power === 'SUSPENDED') throw notWhileRunning(vm);
    if (vm.power !== 'POWERED_OFF') {
      if (perSocket !== vm.coresPerSocket || hotAdd !== vm.cpuHotAdd || hotRemove !== vm.cpuHotRemove)
        throw notWhileRunning(vm);
      if ((count > vm.cpus && !vm.cpuHotAdd) || (count < vm.cpus && !vm.cpuHotRemove))
        throw new VcError(
          400,
          'UNSUPPORTED',
          'CPU hot plug is not supported for this virtual machine.',
          'vim.fault.CpuHotPlugNotSupported',
        );
    }
    Object.assign(vm, { cpus: count, coresPerSocket: perSocket, cpuHotAdd: hotAdd, cpuHotRemove: hotRemove });
  }

  /** `PATCH /api/vcenter/vm/{vm}/hardware/memory`: checked whole, then applied. */
  updateMemory(vm: SimVm, spec: Record<string, unknown>): void {
    const size = field(spec, 'size_MiB', 'integer') ?? vm.memoryMb;
    const hotAdd = field(spec, 'hot_add_enabled', 'boolean') ?? vm.memoryHotAdd;
    if (size < 4 || size % 4 !== 0 || size > 24 * 1024 * 1024) throw invalidValue(size, 'size_MiB');
    if (vm.power === 'SUSPENDED') throw notWhileRunning(vm);
    if (vm.power !== 'POWERED_OFF') {
      if (hotAdd !== vm.memoryHotAdd) throw notWhileRunning(vm);
      if (size > vm.memoryMb && !vm.memoryHotAdd)
        throw new VcError(
          400,
          'UNSUPPORTED',
          'Memory hot plug is not supported for this virtual machine.',
          'vim.fault.MemoryHotPlugNotSupported',
        );
      if (size < vm.memoryMb)
        throw new VcError(
          400,
          'UNSUPPORTED',
          'Memory hot remove is not supported for this virtual machine.',
          'vim.fault.MemoryHotPlugNotSupported',
        );
    }
    Object.assign(vm, { memoryMb: size, memoryHotAdd: hotAdd });
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

const invalidValue = (value: unknown, name: string) =>
  new VcError(
    400,
    'INVALID_ARGUMENT',
    `Invalid value '${String(value)}' for field '${name}'.`,
    'vapi.std.errors.invalid_argument',
  );

const notWhileRunning = (vm: SimVm) =>
  new VcError(
    400,
    'NOT_ALLOWED_IN_CURRENT_STATE',
    vm.power === 'SUSPENDED' ? 'Virtual machine is suspended.' : 'Virtual machine is powered on.',
    'vapi.std.errors.not_allowed_in_current_state',
  );

/** A field of a PATCH body: absent (unchanged), or of its type; anything else is refused. */
function field(
  spec: Record<string, unknown>,
  name: string,
  type: 'integer' | 'boolean',
): number | boolean | undefined;
function field(spec: Record<string, unknown>, name: string, type: 'integer'): number | undefined;
function field(spec: Record<string, unknown>, name: string, type: 'boolean'): boolean | undefined;
function field(spec: Record<string, unknown>, name: string, type: 'integer' | 'boolean') {
  const value = spec[name];
  if (value === undefined || value === null) return undefined;
  if (type === 'integer' ? Number.isInteger(value) : typeof value === 'boolean') return value;
  throw invalidValue(typeof value === 'object' ? JSON.stringify(value) : value, name);
}
