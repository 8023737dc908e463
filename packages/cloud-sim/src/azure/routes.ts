// Azure Resource Manager's REST paths for what the driver uses: subscriptions and their locations,
// virtual machines (list with statusOnly, instance view, power actions, create, delete, data disks),
// managed disks and snapshots, network interfaces, public IPs, VM sizes (and those a VM can be
// resized to) and marketplace image versions; virtual networks and security groups in network-routes.ts,
// DNS zones and record sets in dns-routes.ts.
// Mutations are long-running: 201/202 with Azure-AsyncOperation and Location to poll.

import type { SimRequest, SimResponse } from '../common/server';
import {
  type ArmContext,
  accepted,
  body,
  busy,
  diskId,
  findVm,
  type Handler,
  inSub,
  invalidBody,
  NAME_RE,
  type Params,
  page,
  placement,
  RG,
  SUB,
  vmId,
} from './arm';
import { IMAGES, LOCATIONS, SIZES } from './catalog';
import { DNS_ROUTES } from './dns-routes';
import { armError, json, notFound } from './errors';
import type { DeleteOption } from './model';
import { NETWORK_ROUTES, nsgRef } from './network-routes';
import { instanceView, renderDisk, renderNic, renderPublicIp, renderVm } from './render';
import { deleteSnapshot, getSnapshot, listSnapshots, putSnapshot } from './snapshots';
import { availableSizes, updateVm } from './vm-update';

function powerAction(kind: 'start' | 'powerOff' | 'deallocate' | 'restart'): Handler {
  return (ctx, _req, params) => {
    const vm = findVm(ctx, params);
    if ('status' in vm) return vm;
    const refused = busy(vm);
    if (refused) return refused;
    const { state } = ctx;
    switch (kind) {
      case 'start':
        return accepted(ctx, state.power(vm, 'starting', 'running'));
      case 'powerOff':
        if (vm.power === 'deallocated')
          return accepted(
            ctx,
            state.operation(vm.subscriptionId, vm.location, () => {}),
          );
        return accepted(ctx, state.power(vm, 'stopping', 'stopped'));
      case 'deallocate':
        return accepted(ctx, state.power(vm, 'deallocating', 'deallocated'));
      case 'restart':
        if (vm.power !== 'running')
          return armError(
            409,
            'OperationNotAllowed',
            `Cannot restart the VM '${vm.name}' as it is not running. Start the VM instead.`,
          );
        return accepted(ctx, state.power(vm, 'starting', 'running'));
    }
  };
}

/** The parts of a VM's PUT body the emulator reads (ARM's wire form: under `properties`). */
interface VmProperties {
  hardwareProfile?: { vmSize?: string };
  storageProfile?: {
    imageReference?: { publisher?: string; offer?: string; sku?: string; version?: string };
    osDisk?: { deleteOption?: string; managedDisk?: { storageAccountType?: string } };
  };
  osProfile?: {
    adminUsername?: string;
    customData?: string;
    linuxConfiguration?: { ssh?: { publicKeys?: Array<{ keyData?: string }> } };
  };
  networkProfile?: { networkInterfaces?: Array<{ id?: string; properties?: { deleteOption?: string } }> };
}

const deleteOption = (value: unknown): DeleteOption => (value === 'Delete' ? 'Delete' : 'Detach');

function createVm(ctx: ArmContext, req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const b = body(req);
  if (!b) return invalidBody();
  const existing = state.vm(vmId(sub!, rg!, name!));
  const props = (b.properties ?? {}) as VmProperties;
  // An update: size, OS disk and tags may change, as a PATCH changes them.
  if (existing) return updateVm(ctx, req, [sub!, rg!, name!]);
  if (!state.hasResourceGroup(sub!, rg!))
    return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  if (!NAME_RE.test(name!))
    return armError(
      400,
      'InvalidResourceName',
      `The resource name '${name}' is invalid. It can contain only letters, digits, '_', '.' and '-', and must start with a letter or digit.`,
    );
  const location = typeof b.location === 'string' ? b.location.toLowerCase().replaceAll(' ', '') : '';
  if (!LOCATIONS.some((l) => l.name === location))
    return armError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${b.location}' is not available for resource type 'Microsoft.Compute/virtualMachines'.`,
    );
  const requested = props.hardwareProfile?.vmSize;
  const size = SIZES.find((s) => s.name === requested)?.name;
  if (!size)
    return armError(
      400,
      'InvalidParameter',
      `The value '${requested}' provided for the VM size is not valid.`,
    );
  const ref = props.storageProfile?.imageReference ?? {};
  const image = IMAGES.find(
    (i) =>
      i.publisher.toLowerCase() === String(ref.publisher).toLowerCase() &&
      i.offer.toLowerCase() === String(ref.offer).toLowerCase() &&
      i.sku.toLowerCase() === String(ref.sku).toLowerCase() &&
      (ref.version === 'latest' || ref.version === i.version),
  );
  if (!image)
    return armError(
      404,
      'PlatformImageNotFound',
      `The platform image '${ref.publisher}:${ref.offer}:${ref.sku}:${ref.version}' is not available. Verify that all fields in the storage profile are correct.`,
    );
  const adminUsername = props.osProfile?.adminUsername;
  if (typeof adminUsername !== 'string' || adminUsername === '')
    return armError(400, 'InvalidParameter', "Required parameter 'adminUsername' is missing (null).");
  const nicRefs = props.networkProfile?.networkInterfaces ?? [];
  if (nicRefs.length === 0)
    return armError(400, 'InvalidParameter', "Required parameter 'networkProfile' is missing (null).");
  const nics: Array<{ id: string; deleteOption: DeleteOption }> = [];
  for (const ref of nicRefs) {
    const nic = typeof ref.id === 'string' ? state.nic(ref.id) : undefined;
    if (!nic)
      return armError(
        400,
        'InvalidResourceReference',
        `Resource ${ref.id} referenced by resource ${vmId(sub!, rg!, name!)} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
      );
    if (nic.vmId)
      return armError(
        400,
        'NicInUse',
        `Network Interface ${nic.id} is used by existing resource ${nic.vmId}. In order to delete the network interface, it must be dissociated from the resource.`,
      );
    nics.push({ id: nic.id, deleteOption: deleteOption(ref.properties?.deleteOption) });
  }
  const keys = ((props.osProfile?.linuxConfiguration?.ssh?.publicKeys ?? []) as Array<{ keyData?: string }>)
    .map((k) => k.keyData)
    .filter((k): k is string => typeof k === 'string');
  const vm = state.addVm(sub!, rg!, {
    name: name!,
    location,
    size,
    image,
    adminUsername,
    sshKeys: keys,
    customData: typeof props.osProfile?.customData === 'string' ? props.osProfile.customData : null,
    tags: (b.tags as Record<string, string>) ?? {},
    publicIp: false,
    subnetId: '',
    nicIds: nics,
    osDiskDelete: deleteOption(props.storageProfile?.osDisk?.deleteOption),
    osDiskSku: props.storageProfile?.osDisk?.managedDisk?.storageAccountType,
  });
  vm.provisioningState = 'Creating';
  vm.power = 'starting';
  const op = state.operation(sub!, location, () => {
    vm.provisioningState = 'Succeeded';
    vm.power = 'running';
  });
  return accepted(ctx, op, 201, renderVm(state, vm));
}

function attachDetach(ctx: ArmContext, req: SimRequest, params: Params): SimResponse {
  const vm = findVm(ctx, params);
  if ('status' in vm) return vm;
  const refused = busy(vm);
  if (refused) return refused;
  const b = body(req) as {
    dataDisksToAttach?: Array<{ diskId?: string; lun?: number; deleteOption?: string }>;
    dataDisksToDetach?: Array<{ diskId?: string }>;
  } | null;
  if (!b) return invalidBody();
  const { state } = ctx;
  const attach = b.dataDisksToAttach ?? [];
  const detach = b.dataDisksToDetach ?? [];
  for (const a of attach) {
    const disk = a.diskId ? state.disk(a.diskId) : undefined;
    if (!disk) return armError(404, 'NotFound', `Disk ${a.diskId} was not found.`);
    if (disk.location !== vm.location)
      return armError(
        400,
        'BadRequest',
        `Disk ${disk.name} is in ${disk.location}; VM ${vm.name} is in ${vm.location}. A disk can only be attached to a VM in the same region.`,
      );
    if (disk.managedBy && disk.managedBy.toLowerCase() !== vm.id.toLowerCase())
      return armError(
        409,
        'OperationNotAllowed',
        `Disk ${disk.name} is already attached to VM ${disk.managedBy}.`,
      );
  }
  for (const d of detach) {
    if (!vm.dataDisks.some((x) => x.diskId.toLowerCase() === String(d.diskId).toLowerCase()))
      return armError(400, 'InvalidParameter', `Disk ${d.diskId} is not attached to VM ${vm.name}.`);
  }
  const max = SIZES.find((s) => s.name === vm.size)?.maxDataDiskCount ?? 4;
  if (vm.dataDisks.length - detach.length + attach.length > max)
    return armError(
      409,
      'OperationNotAllowed',
      `The maximum number of data disks allowed to be attached to a VM of this size is ${max}.`,
    );
  vm.provisioningState = 'Updating';
  const op = state.operation(vm.subscriptionId, vm.location, () => {
    vm.provisioningState = 'Succeeded';
    for (const d of detach) {
      vm.dataDisks = vm.dataDisks.filter((x) => x.diskId.toLowerCase() !== String(d.diskId).toLowerCase());
      const disk = state.disk(String(d.diskId));
      if (disk) disk.managedBy = null;
    }
    for (const a of attach) {
      const disk = state.disk(String(a.diskId));
      if (!disk || vm.dataDisks.some((x) => x.diskId.toLowerCase() === disk.id.toLowerCase())) continue;
      const used = new Set(vm.dataDisks.map((x) => x.lun));
      let lun = typeof a.lun === 'number' ? a.lun : 0;
      while (used.has(lun)) lun++;
      vm.dataDisks.push({ lun, diskId: disk.id, deleteOption: deleteOption(a.deleteOption) });
      disk.managedBy = vm.id;
    }
  });
  op.result = () => renderVm(state, vm).properties.storageProfile;
  return accepted(ctx, op);
}

function putDisk(ctx: ArmContext, req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const b = body(req) as {
    location?: string;
    sku?: { name?: string };
    tags?: Record<string, string>;
    properties?: {
      diskSizeGB?: unknown;
      creationData?: { createOption?: string; sourceResourceId?: string };
    };
  } | null;
  if (!b) return invalidBody();
  const id = diskId(sub!, rg!, name!);
  const existing = state.disk(id);
  const size = b.properties?.diskSizeGB;
  if (existing) {
    if (typeof size === 'number' && size < existing.sizeGb)
      return armError(
        400,
        'BadRequest',
        `Disk size cannot be reduced from ${existing.sizeGb} GB to ${size} GB.`,
      );
    if (typeof size === 'number') existing.sizeGb = size;
    return json(200, renderDisk(state, existing));
  }
  const placed = placement(ctx, [sub!, rg!, name!], b.location, 'Microsoft.Compute/disks');
  if ('status' in placed) return placed;
  const { location } = placed;
  const creation = b.properties?.creationData;
  // A new disk is empty, or a copy of a snapshot (its size and OS type, unless a larger size is asked).
  const from = creation?.createOption === 'Copy' ? state.snapshot(String(creation.sourceResourceId)) : null;
  if (creation?.createOption === 'Copy' && !from)
    return armError(404, 'NotFound', `Resource ${creation.sourceResourceId} is not found.`);
  if (creation?.createOption !== 'Empty' && !from)
    return armError(
      400,
      'InvalidParameter',
      "Required parameter 'creationData.createOption' must be 'Empty' or 'Copy' for a new disk.",
    );
  if (from && from.location !== location)
    return armError(
      400,
      'InvalidParameter',
      `The disk must be in the same location as its source: ${from.location}.`,
    );
  if (from && typeof size === 'number' && size < from.sizeGb)
    return armError(
      400,
      'BadRequest',
      `The specified disk size ${size} GB is smaller than the size of the corresponding disk in the source, which is ${from.sizeGb} GB.`,
    );
  const sizeGb = size ?? from?.sizeGb;
  if (typeof sizeGb !== 'number' || !Number.isInteger(sizeGb) || sizeGb < 1 || sizeGb > 32_767)
    return armError(
      400,
      'InvalidParameter',
      `The value '${String(size)}' of parameter 'diskSizeGB' is out of range. The value must be between '1' and '32767', inclusive.`,
    );
  const sku = b.sku?.name ?? 'Standard_LRS';
  if (!['Standard_LRS', 'StandardSSD_LRS', 'Premium_LRS'].includes(sku))
    return armError(400, 'InvalidParameter', `The value '${sku}' of parameter 'sku.name' is not valid.`);
  const disk = {
    id,
    subscriptionId: sub!,
    resourceGroup: rg!,
    name: name!,
    location,
    sizeGb,
    sku,
    osType: from?.osType ?? null,
    managedBy: null,
    provisioningState: 'Creating' as const,
    tags: b.tags ?? {},
    timeCreated: new Date().toISOString(),
    uniqueId: crypto.randomUUID(),
    ...(from ? { copiedFrom: from.id } : {}),
  };
  const stored = { ...disk } as import('./model').Disk;
  state.disks.set(id.toLowerCase(), stored);
  const op = state.operation(sub!, location, () => {
    stored.provisioningState = 'Succeeded';
  });
  return accepted(ctx, op, 202, renderDisk(state, stored));
}

function deleteDisk(ctx: ArmContext, _req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const disk = state.disk(diskId(sub!, rg!, name!));
  if (!disk) return { status: 204 };
  if (disk.managedBy)
    return armError(409, 'OperationNotAllowed', `Disk ${disk.name} is attached to VM ${disk.managedBy}.`);
  disk.provisioningState = 'Deleting';
  const op = state.operation(disk.subscriptionId, disk.location, () => {
    state.disks.delete(disk.id.toLowerCase());
  });
  return accepted(ctx, op);
}

function putNic(ctx: ArmContext, req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const b = body(req) as {
    location?: string;
    properties?: {
      networkSecurityGroup?: { id?: string };
      ipConfigurations?: Array<{
        properties?: {
          subnet?: { id?: string };
          publicIPAddress?: { id?: string; properties?: { deleteOption?: string } };
        };
      }>;
    };
  } | null;
  if (!b) return invalidBody();
  if (!state.hasResourceGroup(sub!, rg!))
    return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  if (!NAME_RE.test(name!))
    return armError(
      400,
      'InvalidResourceName',
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  const config = b.properties?.ipConfigurations?.[0]?.properties;
  const subnet = config?.subnet?.id;
  if (typeof subnet !== 'string' || !/\/subnets\/[^/]+$/i.test(subnet))
    return armError(
      400,
      'InvalidRequestFormat',
      'Cannot parse the request. Subnet reference is missing or invalid.',
    );
  const nicRef = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`;
  const inSubnet = ctx.net.subnet(subnet);
  if (!inSubnet)
    return armError(
      400,
      'InvalidResourceReference',
      `Resource ${subnet} referenced by resource ${nicRef} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  const nsg = nsgRef(ctx, b.properties?.networkSecurityGroup, nicRef);
  if (nsg !== null && typeof nsg !== 'string') return nsg;
  const location = String(b.location ?? '').toLowerCase();
  const nic = state.addNic(sub!, rg!, name!, location, inSubnet.subnet.id);
  nic.nsgId = nsg;
  const pipId = config?.publicIPAddress?.id;
  if (pipId) {
    const pip = state.publicIp(pipId);
    if (!pip)
      return armError(
        400,
        'InvalidResourceReference',
        `Resource ${pipId} referenced by resource ${nic.id} was not found.`,
      );
    nic.publicIpId = pip.id;
    nic.pipDeleteOption = deleteOption(config?.publicIPAddress?.properties?.deleteOption);
    pip.nicId = nic.id;
  }
  return json(201, renderNic(state, nic));
}

function putPublicIp(ctx: ArmContext, req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const b = body(req) as { location?: string } | null;
  if (!b) return invalidBody();
  if (!state.hasResourceGroup(sub!, rg!))
    return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  if (!NAME_RE.test(name!))
    return armError(
      400,
      'InvalidResourceName',
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  const pip = state.addPublicIp(sub!, rg!, name!, String(b.location ?? '').toLowerCase());
  return json(201, renderPublicIp(pip));
}

function operationStatus(ctx: ArmContext, req: SimRequest, [, , id]: Params): SimResponse {
  const op = ctx.state.operations.get(id!);
  if (!op) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
  if (req.url.searchParams.get('monitor') === 'true') {
    if (op.status === 'InProgress') return accepted(ctx, op);
    const result = op.result?.();
    return result === undefined ? { status: 200, body: '' } : json(200, result);
  }
  return json(200, {
    name: op.id,
    status: op.status,
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    ...(op.error ? { error: op.error } : {}),
  });
}

const ROUTES: Array<[string, RegExp, Handler]> = [
  [
    'GET',
    new RegExp(`^${SUB}/locations$`, 'i'),
    (_ctx, _req) =>
      json(200, {
        value: LOCATIONS.map((l) => ({
          id: `${_req.url.pathname.replace(/\/locations$/i, '')}/locations/${l.name}`,
          name: l.name,
          type: 'Region',
          displayName: l.displayName,
          regionalDisplayName: l.regionalDisplayName,
          metadata: {
            regionType: 'Physical',
            regionCategory: 'Recommended',
            geography: l.geography,
            geographyGroup: l.geography,
            latitude: l.latitude,
            longitude: l.longitude,
            physicalLocation: l.displayName,
          },
        })),
      }),
  ],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Compute/virtualMachines$`, 'i'),
    (ctx, req, [sub]) => {
      const withView = req.url.searchParams.get('statusOnly') === 'true';
      return page(ctx, req, inSub(ctx.state.vms.values(), sub!), (vm) => renderVm(ctx.state, vm, withView));
    },
  ],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)$`, 'i'),
    (ctx, req, params) => {
      const vm = findVm(ctx, params);
      if ('status' in vm) return vm;
      return json(200, renderVm(ctx.state, vm, req.url.searchParams.get('$expand') === 'instanceView'));
    },
  ],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/instanceView$`, 'i'),
    (ctx, _req, params) => {
      const vm = findVm(ctx, params);
      return 'status' in vm ? vm : json(200, instanceView(vm));
    },
  ],
  ['PUT', new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)$`, 'i'), createVm],
  ['PATCH', new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)$`, 'i'), updateVm],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/vmSizes$`, 'i'),
    availableSizes,
  ],
  ['GET', new RegExp(`^${SUB}/providers/Microsoft\\.Compute/snapshots$`, 'i'), listSnapshots],
  ['GET', new RegExp(`^${RG}/providers/Microsoft\\.Compute/snapshots$`, 'i'), listSnapshots],
  ['GET', new RegExp(`^${RG}/providers/Microsoft\\.Compute/snapshots/([^/]+)$`, 'i'), getSnapshot],
  ['PUT', new RegExp(`^${RG}/providers/Microsoft\\.Compute/snapshots/([^/]+)$`, 'i'), putSnapshot],
  ['DELETE', new RegExp(`^${RG}/providers/Microsoft\\.Compute/snapshots/([^/]+)$`, 'i'), deleteSnapshot],
  [
    'DELETE',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)$`, 'i'),
    (ctx, _req, params) => {
      const vm = ctx.state.vm(vmId(params[0]!, params[1]!, params[2]!));
      if (!vm) return { status: 204 };
      if (vm.provisioningState === 'Deleting')
        return accepted(
          ctx,
          ctx.state.operation(vm.subscriptionId, vm.location, () => {}),
        );
      return accepted(ctx, ctx.state.deleteVm(vm));
    },
  ],
  [
    'POST',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/start$`, 'i'),
    powerAction('start'),
  ],
  [
    'POST',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/powerOff$`, 'i'),
    powerAction('powerOff'),
  ],
  [
    'POST',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/deallocate$`, 'i'),
    powerAction('deallocate'),
  ],
  [
    'POST',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/restart$`, 'i'),
    powerAction('restart'),
  ],
  [
    'POST',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/attachDetachDataDisks$`, 'i'),
    attachDetach,
  ],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Compute/disks$`, 'i'),
    (ctx, req, [sub]) =>
      page(ctx, req, inSub(ctx.state.disks.values(), sub!), (d) => renderDisk(ctx.state, d)),
  ],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Compute/disks/([^/]+)$`, 'i'),
    (ctx, _req, [sub, rg, name]) => {
      const disk = ctx.state.disk(diskId(sub!, rg!, name!));
      return disk ? json(200, renderDisk(ctx.state, disk)) : notFound('Microsoft.Compute/disks', name!, rg!);
    },
  ],
  ['PUT', new RegExp(`^${RG}/providers/Microsoft\\.Compute/disks/([^/]+)$`, 'i'), putDisk],
  ['DELETE', new RegExp(`^${RG}/providers/Microsoft\\.Compute/disks/([^/]+)$`, 'i'), deleteDisk],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Network/networkInterfaces$`, 'i'),
    (ctx, req, [sub]) => page(ctx, req, inSub(ctx.state.nics.values(), sub!), (n) => renderNic(ctx.state, n)),
  ],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Network/networkInterfaces/([^/]+)$`, 'i'),
    (ctx, _req, [sub, rg, name]) => {
      const nic = ctx.state.nic(
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`,
      );
      return nic
        ? json(200, renderNic(ctx.state, nic))
        : notFound('Microsoft.Network/networkInterfaces', name!, rg!);
    },
  ],
  ['PUT', new RegExp(`^${RG}/providers/Microsoft\\.Network/networkInterfaces/([^/]+)$`, 'i'), putNic],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Network/publicIPAddresses$`, 'i'),
    (ctx, req, [sub]) => page(ctx, req, inSub(ctx.state.publicIps.values(), sub!), renderPublicIp),
  ],
  [
    'GET',
    new RegExp(`^${RG}/providers/Microsoft\\.Network/publicIPAddresses/([^/]+)$`, 'i'),
    (ctx, _req, [sub, rg, name]) => {
      const pip = ctx.state.publicIp(
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/${name}`,
      );
      return pip
        ? json(200, renderPublicIp(pip))
        : notFound('Microsoft.Network/publicIPAddresses', name!, rg!);
    },
  ],
  ['PUT', new RegExp(`^${RG}/providers/Microsoft\\.Network/publicIPAddresses/([^/]+)$`, 'i'), putPublicIp],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Compute/locations/([^/]+)/vmSizes$`, 'i'),
    (_ctx, _req, [, location]) => {
      if (!LOCATIONS.some((l) => l.name === location!.toLowerCase()))
        return armError(
          404,
          'NoRegisteredProviderFound',
          `No registered resource provider found for location '${location}'.`,
        );
      return json(200, { value: SIZES.map(({ hourly: _, ...size }) => size) });
    },
  ],
  [
    'GET',
    new RegExp(
      `^${SUB}/providers/Microsoft\\.Compute/locations/([^/]+)/publishers/([^/]+)/artifacttypes/vmimage/offers/([^/]+)/skus/([^/]+)/versions$`,
      'i',
    ),
    (_ctx, req, [, location, publisher, offer, sku]) => {
      const found = IMAGES.filter(
        (i) =>
          i.publisher.toLowerCase() === publisher!.toLowerCase() &&
          i.offer.toLowerCase() === offer!.toLowerCase() &&
          i.sku.toLowerCase() === sku!.toLowerCase(),
      );
      if (found.length === 0) return armError(404, 'NotFound', `Artifact: VMImage was not found.`);
      return json(
        200,
        found.map((i) => ({
          location: location!.toLowerCase(),
          name: i.version,
          id: `${req.url.pathname}/${i.version}`,
        })),
      );
    },
  ],
  [
    'GET',
    new RegExp(
      `^${SUB}/providers/Microsoft\\.(?:Compute|Network)/locations/([^/]+)/operations/([^/]+)$`,
      'i',
    ),
    operationStatus,
  ],
  [
    'GET',
    new RegExp(`^${SUB}/providers/Microsoft\\.Compute/skus$`, 'i'),
    (ctx, req) =>
      page(
        ctx,
        req,
        LOCATIONS.flatMap((l) => SIZES.map((s) => ({ l, s }))),
        ({ l, s }) => ({
          resourceType: 'virtualMachines',
          name: s.name,
          tier: 'Standard',
          size: s.name.replace(/^Standard_/, ''),
          family: `standard${s.name.replace(/^Standard_([A-Z]+).*$/, '$1')}Family`,
          locations: [l.name],
          locationInfo: [{ location: l.name, zones: ['1', '2', '3'], zoneDetails: [] }],
          capabilities: [
            { name: 'vCPUs', value: String(s.numberOfCores) },
            { name: 'MemoryGB', value: String(s.memoryInMB / 1024) },
            { name: 'MaxResourceVolumeMB', value: String(s.resourceDiskSizeInMB) },
            { name: 'MaxDataDiskCount', value: String(s.maxDataDiskCount) },
          ],
          restrictions: [],
        }),
      ),
  ],
  ...NETWORK_ROUTES,
  ...DNS_ROUTES,
];

/** The subscription paths; the subscription itself is checked by the caller. */
export function route(ctx: ArmContext, req: SimRequest): SimResponse {
  const path = req.url.pathname.replace(/\/+$/, '');
  let pathMatched = false;
  for (const [method, re, handler] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (method !== req.method) continue;
    return handler(
      ctx,
      req,
      m.slice(1).map((p) => decodeURIComponent(p)),
    );
  }
  if (pathMatched)
    return armError(
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${req.method}'.`,
    );
  return armError(
    404,
    'InvalidResourceType',
    `The resource type could not be found in the namespace for api version.`,
  );
}
