// Changing a VM in place (PATCH, or a PUT of one that exists) and the sizes it can change to
// (GET .../virtualMachines/{vm}/vmSizes). An allocated VM can take only the sizes its hardware
// cluster offers; a deallocated one any size of its region. Swapping the OS disk wants the VM
// deallocated. Both are long-running: the VM shows `Updating` until the operation is done.

import type { SimRequest, SimResponse } from '../common/server';
import { type ArmContext, accepted, body, busy, findVm, invalidBody, type Params } from './arm';
import { SIZES, type SimSize } from './catalog';
import { armError, json } from './errors';
import type { Vm } from './model';
import { renderVm } from './render';

/** The emulated hardware clusters: burstable B-series hosts, and the v5 general and memory hosts. */
const clusterOf = (size: string) => (/^Standard_B/.test(size) ? 'burstable' : 'v5');

/** The sizes `vm` can be resized to where it is now. */
export function sizesFor(vm: Vm): SimSize[] {
  if (vm.power === 'deallocated') return SIZES;
  return SIZES.filter((s) => clusterOf(s.name) === clusterOf(vm.size));
}

export function availableSizes(ctx: ArmContext, _req: SimRequest, params: Params): SimResponse {
  const vm = findVm(ctx, params);
  if ('status' in vm) return vm;
  return json(200, { value: sizesFor(vm).map(({ hourly: _, ...size }) => size) });
}

interface VmUpdate {
  tags?: Record<string, string>;
  properties?: {
    hardwareProfile?: { vmSize?: string };
    storageProfile?: { osDisk?: { name?: string; managedDisk?: { id?: string } } };
  };
}

export function updateVm(ctx: ArmContext, req: SimRequest, params: Params): SimResponse {
  const vm = findVm(ctx, params);
  if ('status' in vm) return vm;
  const b = body(req) as VmUpdate | null;
  if (!b) return invalidBody();
  const refused = busy(vm);
  if (refused) return refused;
  const { state } = ctx;
  const size = b.properties?.hardwareProfile?.vmSize;
  if (size !== undefined && size !== vm.size) {
    if (!SIZES.some((s) => s.name === size))
      return armError(400, 'InvalidParameter', `The value '${size}' provided for the VM size is not valid.`);
    const offered = sizesFor(vm).map((s) => s.name);
    if (!offered.includes(size))
      return armError(
        409,
        'OperationNotAllowed',
        `Unable to resize the VM '${vm.name}' because the requested size ${size} is not available in the current hardware cluster. The available sizes in this cluster are: ${offered.join(', ')}. Read more on VM resizing strategy at https://aka.ms/azure-resizevm.`,
      );
  }
  const osDiskId = b.properties?.storageProfile?.osDisk?.managedDisk?.id;
  const newOsDisk =
    osDiskId && osDiskId.toLowerCase() !== vm.osDiskId.toLowerCase() ? state.disk(osDiskId) : null;
  if (osDiskId && newOsDisk === undefined)
    return armError(404, 'NotFound', `Resource ${osDiskId} is not found.`);
  if (newOsDisk) {
    if (vm.power !== 'deallocated')
      return armError(
        409,
        'OperationNotAllowed',
        `Changing the OS disk of VM '${vm.name}' is allowed only when the VM is deallocated. Current power state: ${vm.power}.`,
      );
    if (newOsDisk.managedBy)
      return armError(
        409,
        'OperationNotAllowed',
        `Disk ${newOsDisk.name} is already attached to VM ${newOsDisk.managedBy}.`,
      );
    if (!newOsDisk.osType || newOsDisk.location !== vm.location)
      return armError(
        400,
        'InvalidParameter',
        `Disk ${newOsDisk.name} cannot be the OS disk of VM '${vm.name}': it must be an OS disk in ${vm.location}.`,
      );
    // Claimed at once, so no second request can attach it meanwhile.
    newOsDisk.managedBy = vm.id;
  }
  vm.provisioningState = 'Updating';
  const op = state.operation(vm.subscriptionId, vm.location, () => {
    vm.provisioningState = 'Succeeded';
    if (size) vm.size = size;
    if (newOsDisk) {
      const old = state.disk(vm.osDiskId);
      if (old) old.managedBy = null;
      vm.osDiskId = newOsDisk.id;
    }
  });
  if (b.tags && typeof b.tags === 'object') vm.tags = b.tags;
  op.result = () => renderVm(state, vm);
  return accepted(ctx, op, 200, renderVm(state, vm));
}
