// The emulated Azure Resource Manager's state: subscriptions, VMs with their power state, managed
// disks and their snapshots, network interfaces and public IPs, and the long-running operations
// that change them.

import { randomUUID } from 'node:crypto';
import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { IMAGES, LOCATIONS, SIZES, type SimImage } from './catalog';

export type PowerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';
export type DeleteOption = 'Delete' | 'Detach';

export interface Vm {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmId: string;
  size: string;
  image: SimImage;
  power: PowerState;
  provisioningState: 'Creating' | 'Updating' | 'Succeeded' | 'Deleting' | 'Failed';
  osDiskId: string;
  osDiskDelete: DeleteOption;
  dataDisks: Array<{ lun: number; diskId: string; deleteOption: DeleteOption }>;
  nics: Array<{ id: string; deleteOption: DeleteOption }>;
  adminUsername: string;
  sshKeys: string[];
  customData: string | null;
  tags: Record<string, string>;
  timeCreated: string;
}

/** What a managed disk and a snapshot of one both are. */
interface DiskImage {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  sizeGb: number;
  osType: string | null;
  provisioningState: 'Creating' | 'Succeeded' | 'Deleting';
  tags: Record<string, string>;
  timeCreated: string;
  uniqueId: string;
}

export interface Disk extends DiskImage {
  sku: string;
  managedBy: string | null;
  /** A disk copied from a snapshot: the snapshot's id (creationData.sourceResourceId). */
  copiedFrom?: string;
}

/** A managed snapshot (Microsoft.Compute/snapshots): a copy of a disk at one moment. */
export interface Snapshot extends DiskImage {
  sourceResourceId: string;
  sourceUniqueId: string;
  incremental: boolean;
}

export interface Nic {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  privateIp: string;
  subnetId: string;
  publicIpId: string | null;
  pipDeleteOption: DeleteOption;
  vmId: string | null;
  /** The network security group on the NIC itself (networks.ts), besides its subnet's. */
  nsgId: string | null;
}

export interface PublicIp {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  ip: string;
  nicId: string | null;
}

export interface Operation {
  id: string;
  subscriptionId: string;
  location: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** What the operation's Location answers once it has succeeded (attachDetachDataDisks' storage profile). */
  result?: () => unknown;
}

export interface SubscriptionSeed {
  id: string;
  displayName?: string;
  /** How many VMs to seed; each gets an OS disk, a NIC and a public IP on 127.x. */
  vms?: number;
  resourceGroup?: string;
  namePrefix?: string;
}

const lower = (id: string) => id.toLowerCase();

export class ArmState {
  readonly timeline = new Timeline();
  readonly subscriptions = new Map<string, { id: string; displayName: string }>();
  readonly vms = new Map<string, Vm>();
  readonly disks = new Map<string, Disk>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly nics = new Map<string, Nic>();
  readonly publicIps = new Map<string, PublicIp>();
  readonly operations = new Map<string, Operation>();
  /** Resource groups per subscription (lower-case subscription id -> lower-case names). */
  readonly resourceGroups = new Map<string, Set<string>>();
  private nextAddress = 0;
  private nextPrivateAddress = 0;

  /** `transitionMs`: how long a start, stop, deallocate, restart or delete takes. */
  constructor(public transitionMs: number) {}

  seed(sub: SubscriptionSeed): void {
    this.subscriptions.set(lower(sub.id), {
      id: sub.id,
      displayName: sub.displayName ?? `Subscription ${sub.id.slice(0, 8)}`,
    });
    const rg = sub.resourceGroup ?? 'overcast-rg';
    this.resourceGroups.set(lower(sub.id), new Set([lower(rg)]));
    for (let i = 1; i <= (sub.vms ?? 0); i++) {
      const location = LOCATIONS[(i - 1) % LOCATIONS.length]!.name;
      const name = `${sub.namePrefix ?? 'vm'}-${i}`;
      const vm = this.addVm(sub.id, rg, {
        name,
        location,
        size: SIZES[(i - 1) % SIZES.length]!.name,
        image: IMAGES[(i - 1) % IMAGES.length]!,
        adminUsername: 'azureuser',
        sshKeys: [],
        customData: null,
        tags: { env: i % 2 ? 'prod' : 'dev' },
        publicIp: true,
        subnetId: `/subscriptions/${sub.id}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${rg}-vnet/subnets/default`,
      });
      // A spread of the states a fleet is found in: every fourth stopped (still billed), every
      // fifth deallocated.
      if (i % 4 === 0) vm.power = 'stopped';
      else if (i % 5 === 0) vm.power = 'deallocated';
    }
  }

  /** The next public address, in Azure's loopback block. */
  address(): string {
    return machineAddress('azure', 'public', ++this.nextAddress);
  }

  addVm(
    subscriptionId: string,
    rg: string,
    spec: {
      name: string;
      location: string;
      size: string;
      image: SimImage;
      adminUsername: string;
      sshKeys: string[];
      customData: string | null;
      tags: Record<string, string>;
      publicIp: boolean;
      subnetId: string;
      nicIds?: Array<{ id: string; deleteOption: DeleteOption }>;
      osDiskDelete?: DeleteOption;
      osDiskSku?: string;
    },
  ): Vm {
    const base = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers`;
    const id = `${base}/Microsoft.Compute/virtualMachines/${spec.name}`;
    const now = new Date().toISOString();
    const osDisk: Disk = {
      id: `${base}/Microsoft.Compute/disks/${spec.name}_OsDisk_1`,
      subscriptionId,
      resourceGroup: rg,
      name: `${spec.name}_OsDisk_1`,
      location: spec.location,
      sizeGb: 30,
      sku: spec.osDiskSku ?? 'Premium_LRS',
      osType: spec.image.osType,
      managedBy: id,
      provisioningState: 'Succeeded',
      tags: {},
      timeCreated: now,
      uniqueId: randomUUID(),
    };
    this.disks.set(lower(osDisk.id), osDisk);
    let nics = spec.nicIds;
    if (!nics) {
      const nic = this.addNic(subscriptionId, rg, `${spec.name}-nic`, spec.location, spec.subnetId);
      if (spec.publicIp) {
        const pip = this.addPublicIp(subscriptionId, rg, `${spec.name}-ip`, spec.location);
        nic.publicIpId = pip.id;
        nic.pipDeleteOption = 'Delete';
        pip.nicId = nic.id;
      }
      nics = [{ id: nic.id, deleteOption: 'Delete' }];
    }
    for (const n of nics) {
      const nic = this.nics.get(lower(n.id));
      if (nic) nic.vmId = id;
    }
    const vm: Vm = {
      id,
      subscriptionId,
      resourceGroup: rg,
      name: spec.name,
      location: spec.location,
      vmId: randomUUID(),
      size: spec.size,
      image: spec.image,
      power: 'running',
      provisioningState: 'Succeeded',
      osDiskId: osDisk.id,
      osDiskDelete: spec.osDiskDelete ?? 'Delete',
      dataDisks: [],
      nics,
      adminUsername: spec.adminUsername,
      sshKeys: spec.sshKeys,
      customData: spec.customData,
      tags: spec.tags,
      timeCreated: now,
    };
    this.vms.set(lower(id), vm);
    return vm;
  }

  addNic(subscriptionId: string, rg: string, name: string, location: string, subnetId: string): Nic {
    const nic: Nic = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`,
      subscriptionId,
      resourceGroup: rg,
      name,
      location,
      privateIp: machineAddress('azure', 'private', ++this.nextPrivateAddress),
      subnetId,
      publicIpId: null,
      pipDeleteOption: 'Detach',
      vmId: null,
      nsgId: null,
    };
    this.nics.set(lower(nic.id), nic);
    return nic;
  }

  addPublicIp(subscriptionId: string, rg: string, name: string, location: string): PublicIp {
    const pip: PublicIp = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/${name}`,
      subscriptionId,
      resourceGroup: rg,
      name,
      location,
      ip: this.address(),
      nicId: null,
    };
    this.publicIps.set(lower(pip.id), pip);
    return pip;
  }

  hasResourceGroup(subscriptionId: string, rg: string): boolean {
    return this.resourceGroups.get(lower(subscriptionId))?.has(lower(rg)) ?? false;
  }

  vm(id: string): Vm | undefined {
    return this.vms.get(lower(id));
  }
  disk(id: string): Disk | undefined {
    return this.disks.get(lower(id));
  }
  snapshot(id: string): Snapshot | undefined {
    return this.snapshots.get(lower(id));
  }
  nic(id: string): Nic | undefined {
    return this.nics.get(lower(id));
  }
  publicIp(id: string): PublicIp | undefined {
    return this.publicIps.get(lower(id));
  }

  /** Starts an operation that finishes after `transitionMs`, running `done` then. */
  operation(subscriptionId: string, location: string, done: () => void): Operation {
    const op: Operation = {
      id: randomUUID(),
      subscriptionId,
      location,
      status: 'InProgress',
      startTime: new Date().toISOString(),
    };
    this.operations.set(op.id, op);
    this.timeline.schedule(this.transitionMs, () => {
      done();
      op.status = 'Succeeded';
      op.endTime = new Date().toISOString();
    });
    return op;
  }

  /** Power transitions: the VM shows the passing state until the operation finishes. */
  power(vm: Vm, passing: PowerState, final: PowerState): Operation {
    vm.power = passing;
    return this.operation(vm.subscriptionId, vm.location, () => {
      vm.power = final;
    });
  }

  /** Deletes a VM and what its deleteOptions say goes with it. */
  deleteVm(vm: Vm): Operation {
    vm.provisioningState = 'Deleting';
    vm.power = vm.power === 'deallocated' ? 'deallocated' : 'stopping';
    return this.operation(vm.subscriptionId, vm.location, () => {
      this.vms.delete(lower(vm.id));
      this.release(vm.osDiskId, vm.osDiskDelete);
      for (const d of vm.dataDisks) this.release(d.diskId, d.deleteOption);
      for (const n of vm.nics) {
        const nic = this.nic(n.id);
        if (!nic) continue;
        nic.vmId = null;
        if (n.deleteOption !== 'Delete') continue;
        this.nics.delete(lower(nic.id));
        if (nic.publicIpId) {
          const pip = this.publicIp(nic.publicIpId);
          if (pip && nic.pipDeleteOption === 'Delete') this.publicIps.delete(lower(pip.id));
          else if (pip) pip.nicId = null;
        }
      }
    });
  }

  private release(diskId: string, option: DeleteOption): void {
    const disk = this.disk(diskId);
    if (!disk) return;
    if (option === 'Delete') this.disks.delete(lower(diskId));
    else disk.managedBy = null;
  }
}
