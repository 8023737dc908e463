// A VM's snapshots on Azure are managed snapshots of its OS disk (Microsoft.Compute/snapshots,
// creationData Copy from the disk), made in the VM's resource group and tagged with the VM's
// vmId (stable for the VM's life, unlike the disk, which a revert replaces) and the name given.
// Azure has no revert: a new managed disk is copied from the snapshot and swapped in as the OS
// disk of the deallocated VM, and the replaced disk is deleted (what changed since is lost, and a
// disk Overcast shows nowhere would keep being billed).

import { randomBytes } from 'node:crypto';
import type { Snapshot, VirtualMachine } from '@azure/arm-compute';
import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { AzureApi } from './client';
import { parseId, type ResourceRef } from './ids';
import { powerOf } from './map';

const MACHINE_TAG = 'overcast-machine';
const NAME_TAG = 'overcast-name';
/** Snapshot and disk names: what ARM takes for Microsoft.Compute resources. */
const RESOURCE_NAME = /^[\w][\w.-]{0,78}[\w]$|^\w$/;

/** A name from the VM's own, less an earlier suffix, with a fresh one: at most 80 characters. */
const derived = (vm: string, kind: string) =>
  `${vm.replace(/-(snap|osdisk)-[0-9a-f]{8}$/, '').slice(0, 64)}-${kind}-${randomBytes(4).toString('hex')}`;

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function toRemote(s: Snapshot): RemoteSnapshot {
  const state = s.provisioningState;
  return {
    externalId: s.name ?? '',
    name: s.tags?.[NAME_TAG] ?? s.name ?? '',
    state: state === 'Succeeded' ? 'available' : state === 'Failed' ? 'error' : 'creating',
    createdAt: s.timeCreated ? new Date(s.timeCreated) : null,
    sizeGb: s.diskSizeGB ?? null,
  };
}

export class AzureSnapshots {
  constructor(private readonly api: AzureApi) {}

  private compute(ref: ResourceRef) {
    return this.api.clients(ref.subscriptionId).compute;
  }

  private vm(ref: ResourceRef): Promise<VirtualMachine> {
    return this.api.read(() =>
      this.compute(ref).virtualMachines.get(ref.resourceGroup, ref.name, this.api.callOptions()),
    );
  }

  /** The VM's snapshots as Azure returns them: those in its resource group tagged with its vmId. */
  private async owned(ref: ResourceRef, vm: VirtualMachine): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    const all = () =>
      this.compute(ref).snapshots.listByResourceGroup(ref.resourceGroup, this.api.callOptions());
    for await (const s of this.api.pages(all)) if (vm.vmId && s.tags?.[MACHINE_TAG] === vm.vmId) out.push(s);
    return out;
  }

  private async find(ref: ResourceRef, vm: VirtualMachine, snapshotName: string): Promise<Snapshot> {
    if (!RESOURCE_NAME.test(snapshotName))
      throw new ProviderError('invalid', `'${snapshotName}' is not an Azure snapshot name.`);
    const found = (await this.owned(ref, vm)).find(
      (s) => s.name?.toLowerCase() === snapshotName.toLowerCase(),
    );
    if (!found) throw new ProviderError('not-found', `${ref.name} has no snapshot ${snapshotName}.`);
    return found;
  }

  async list(ref: ResourceRef): Promise<RemoteSnapshot[]> {
    return (await this.owned(ref, await this.vm(ref))).map(toRemote);
  }

  /** An incremental snapshot of the OS disk, waited for as Azure's long-running operation. */
  async create(ref: ResourceRef, name: string): Promise<void> {
    const vm = await this.vm(ref);
    const disk = vm.storageProfile?.osDisk?.managedDisk?.id;
    if (!disk || !vm.vmId)
      throw new ProviderError('invalid', `${ref.name} has no managed OS disk to take a snapshot of.`);
    await this.api.operation(
      (o) =>
        this.compute(ref).snapshots.createOrUpdate(
          ref.resourceGroup,
          derived(ref.name, 'snap'),
          {
            location: vm.location ?? '',
            tags: { [MACHINE_TAG]: vm.vmId!, [NAME_TAG]: name },
            incremental: true,
            creationData: { createOption: 'Copy', sourceResourceId: disk },
          },
          o,
        ),
      false,
    );
  }

  async delete(ref: ResourceRef, snapshotName: string): Promise<void> {
    const snapshot = await this.find(ref, await this.vm(ref), snapshotName);
    await this.api.operation(
      (o) => this.compute(ref).snapshots.delete(ref.resourceGroup, snapshot.name!, o),
      true,
    );
  }

  /** Azure changes the OS disk only of a deallocated VM: a powered-off one is deallocated first. */
  private async deallocated(ref: ResourceRef): Promise<void> {
    const vms = this.compute(ref).virtualMachines;
    const view = await this.api.read(() =>
      vms.instanceView(ref.resourceGroup, ref.name, this.api.callOptions()),
    );
    const power = powerOf(view);
    if (power === 'deallocated') return;
    if (power !== 'stopped')
      throw new ProviderError(
        'conflict',
        `Azure swaps the OS disk only of a deallocated VM, and ${ref.name} is ${power ?? 'in an unknown state'}: stop it first.`,
      );
    await this.api.operation((o) => vms.deallocate(ref.resourceGroup, ref.name, o), true);
  }

  async revert(ref: ResourceRef, snapshotName: string): Promise<void> {
    const vm = await this.vm(ref);
    const snapshot = await this.find(ref, vm, snapshotName);
    if (snapshot.provisioningState !== 'Succeeded')
      throw new ProviderError(
        'conflict',
        `The snapshot ${snapshotName} is still being taken; wait until it is available.`,
      );
    const osDisk = vm.storageProfile?.osDisk;
    const oldDisk = osDisk?.managedDisk?.id;
    if (!oldDisk) throw new ProviderError('invalid', `${ref.name} has no managed OS disk to replace.`);
    await this.deallocated(ref);
    const { compute } = this.api.clients(ref.subscriptionId);
    const name = derived(ref.name, 'osdisk');
    const made = await this.api.operation(
      (o) =>
        compute.disks.createOrUpdate(
          ref.resourceGroup,
          name,
          {
            location: vm.location ?? '',
            ...(osDisk?.managedDisk?.storageAccountType
              ? { sku: { name: osDisk.managedDisk.storageAccountType as 'Premium_LRS' } }
              : {}),
            creationData: { createOption: 'Copy', sourceResourceId: snapshot.id },
          },
          o,
        ),
      true,
    );
    const disk =
      made?.id ??
      (await this.api.read(() => compute.disks.get(ref.resourceGroup, name, this.api.callOptions()))).id;
    try {
      await this.api.operation(
        (o) =>
          compute.virtualMachines.update(
            ref.resourceGroup,
            ref.name,
            { storageProfile: { osDisk: { name, createOption: 'Attach', managedDisk: { id: disk } } } },
            o,
          ),
        true,
      );
    } catch (err) {
      // The VM keeps its disk; the copy made for it goes.
      await this.api
        .operation((o) => compute.disks.delete(ref.resourceGroup, name, o), true)
        .catch(() => undefined);
      throw err;
    }
    const old = parseId(oldDisk, 'disks', 'OS disk');
    try {
      await this.api.operation((o) => compute.disks.delete(old.resourceGroup, old.name, o), true);
    } catch (err) {
      throw new ProviderError(
        'conflict',
        `${ref.name} was reverted to the snapshot, but its replaced OS disk ${old.name} could not be deleted (${reasonOf(err)}). Delete it yourself, or it keeps being billed.`,
      );
    }
  }
}
