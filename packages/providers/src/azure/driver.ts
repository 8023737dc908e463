import type { ResourceSku, VirtualMachine, VirtualMachineInstanceView } from '@azure/arm-compute';
import type { NetworkInterface } from '@azure/arm-network';
import {
  type CreateMachineSpec,
  type DriverInit,
  type MachineAction,
  type ProviderAction,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteSnapshot,
  type RemoteVolume,
  type ResizeDriver,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { AzureApi, armEndpoint } from './client';
import { type AzureConfig, type AzureCredentials, readConfig, readCredentials } from './config';
import { AzureDns } from './dns';
import { parseId, sameId } from './ids';
import { type NicAddresses, powerOf, toImage, toLocation, toMachine, toSize, toVolume } from './map';
import { AzureNetworks } from './networks';
import { PriceBook } from './prices';
import { AzureSnapshots } from './snapshots';
import { subscriptionIds, targetSubscription } from './subscriptions';

/** Azure's rule for a Linux VM's name (it is also the computer name). */
const VM_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,62}[a-zA-Z0-9_])?$/;

const capability = (sku: ResourceSku, name: string): number | null => {
  const value = sku.capabilities?.find((c) => c.name === name)?.value;
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : null;
};

/** Locations where the subscription may not create a SKU (capacity or policy restrictions). */
function restricted(sku: ResourceSku): Set<string> {
  const out = new Set<string>();
  for (const r of sku.restrictions ?? [])
    if (r.type === 'Location') for (const l of r.values ?? []) out.add(l.toLowerCase());
  return out;
}

class AzureDriver implements ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'azure' as const;
  private readonly prices: PriceBook;
  private readonly snapshots: AzureSnapshots;
  // A revert swaps the OS disk, which Azure does only for a deallocated VM (snapshots.ts).
  readonly canRevertSnapshots = true;
  readonly revertNeeds = 'stopped' as const;

  constructor(
    private readonly api: AzureApi,
    private readonly config: AzureConfig,
  ) {
    this.prices = new PriceBook(config.pricesEndpoint, api.agent, config.requestTimeoutMs);
    this.snapshots = new AzureSnapshots(api);
  }

  async listSnapshots(externalId: string): Promise<RemoteSnapshot[]> {
    return this.snapshots.list(parseId(externalId, 'virtualMachines', 'machine'));
  }

  async createSnapshot(externalId: string, name: string): Promise<void> {
    await this.snapshots.create(parseId(externalId, 'virtualMachines', 'machine'), name);
  }

  async revertSnapshot(externalId: string, snapshotId: string): Promise<void> {
    await this.snapshots.revert(parseId(externalId, 'virtualMachines', 'machine'), snapshotId);
  }

  async deleteSnapshot(externalId: string, snapshotId: string): Promise<void> {
    await this.snapshots.delete(parseId(externalId, 'virtualMachines', 'machine'), snapshotId);
  }

  /** The sizes Azure says this VM can take where it is now (all of its region once deallocated). */
  async resizeTargets(externalId: string): Promise<string[]> {
    const { subscriptionId, resourceGroup, name } = parseId(externalId, 'virtualMachines', 'machine');
    const vms = this.api.clients(subscriptionId).compute.virtualMachines;
    const out: string[] = [];
    for await (const size of this.api.pages(() =>
      vms.listAvailableSizes(resourceGroup, name, this.api.callOptions()),
    ))
      if (size.name) out.push(size.name);
    return out;
  }

  /** A PATCH of the VM's size, followed as the long-running operation it is. */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const { subscriptionId, resourceGroup, name } = parseId(externalId, 'virtualMachines', 'machine');
    const vms = this.api.clients(subscriptionId).compute.virtualMachines;
    await this.api.operation(
      (o) => vms.update(resourceGroup, name, { hardwareProfile: { vmSize: sizeId } }, o),
      true,
    );
  }

  async validate(): Promise<void> {
    if (this.config.subscriptionId) {
      await this.api.read(() =>
        this.api.subscriptions.subscriptions.get(this.config.subscriptionId!, this.api.callOptions()),
      );
      return;
    }
    const ids = await subscriptionIds(this.api, this.config);
    if (ids.length === 0)
      throw new ProviderError(
        'auth',
        "The service principal has no role on any subscription: assign it one (Reader at least) in the subscription's Access control (IAM).",
      );
  }

  /** NIC id (lower case) -> the private and public addresses it gives its VM. */
  private async nicAddresses(
    subscriptionId: string,
    signal: AbortSignal,
  ): Promise<Map<string, NicAddresses>> {
    const { network } = this.api.clients(subscriptionId);
    const publicIps = new Map<string, string>();
    for await (const ip of this.api.pages(
      () => network.publicIPAddresses.listAll({ abortSignal: signal }),
      signal,
    ))
      if (ip.id && ip.ipAddress) publicIps.set(ip.id.toLowerCase(), ip.ipAddress);
    const out = new Map<string, NicAddresses>();
    for await (const nic of this.api.pages(
      () => network.networkInterfaces.listAll({ abortSignal: signal }),
      signal,
    )) {
      if (nic.id) out.set(nic.id.toLowerCase(), addressesOf(nic, publicIps));
    }
    return out;
  }

  private async instanceView(
    vm: VirtualMachine,
    signal?: AbortSignal,
  ): Promise<VirtualMachineInstanceView | undefined> {
    if (vm?.instanceView && powerOf(vm.instanceView)) return vm.instanceView;
    if (!vm.id) return undefined;
    const ref = parseId(vm.id, 'virtualMachines', 'machine');
    try {
      return await this.api.read(
        () =>
          this.api
            .clients(ref.subscriptionId)
            .compute.virtualMachines.instanceView(ref.resourceGroup, ref.name, {
              abortSignal: signal,
            }),
        signal,
      );
    } catch (err) {
      // Deleted between the list and this call: list it without a power state.
      if (err instanceof ProviderError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    for (const subscriptionId of await subscriptionIds(this.api, this.config, signal)) {
      if (signal.aborted) return;
      const nics = await this.nicAddresses(subscriptionId, signal);
      const { compute } = this.api.clients(subscriptionId);
      // statusOnly=true brings every VM's instance view in the list itself.
      const vms = () => compute.virtualMachines.listAll({ statusOnly: 'true', abortSignal: signal });
      for await (const vm of this.api.pages(vms, signal)) {
        const view = await this.instanceView(vm, signal);
        const prices = vm.location ? await this.prices.region(vm.location) : null;
        yield toMachine(vm, view, nics, prices);
      }
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for (const subscriptionId of await subscriptionIds(this.api, this.config, signal)) {
      const { compute } = this.api.clients(subscriptionId);
      for await (const disk of this.api.pages(() => compute.disks.list({ abortSignal: signal }), signal)) {
        yield toVolume(disk, disk.location ? await this.prices.region(disk.location) : null);
      }
    }
  }

  async listSizes(): Promise<RemoteSize[]> {
    const [subscriptionId] = await subscriptionIds(this.api, this.config);
    if (!subscriptionId) return [];
    const { compute } = this.api.clients(subscriptionId);
    const byName = new Map<string, { sku: ResourceSku; locations: Set<string> }>();
    for await (const sku of this.api.pages(() => compute.resourceSkus.list())) {
      if (sku.resourceType !== 'virtualMachines' || !sku.name) continue;
      const blocked = restricted(sku);
      const locations = (sku.locations ?? []).map((l) => l.toLowerCase()).filter((l) => !blocked.has(l));
      if (locations.length === 0) continue;
      const known = byName.get(sku.name);
      if (known) for (const l of locations) known.locations.add(l);
      else byName.set(sku.name, { sku, locations: new Set(locations) });
    }
    // Prices differ by region: each size is priced where it is first offered, and says where.
    const out: RemoteSize[] = [];
    for (const { sku, locations } of byName.values()) {
      const list = [...locations].sort();
      const where = list[0]!;
      const prices = (await this.prices.region(where))?.vms ?? new Map();
      const size = toSize(
        {
          name: sku.name,
          numberOfCores: capability(sku, 'vCPUs') ?? undefined,
          memoryInMB: (capability(sku, 'MemoryGB') ?? 0) * 1024 || undefined,
          resourceDiskSizeInMB: capability(sku, 'MaxResourceVolumeMB') ?? undefined,
          maxDataDiskCount: capability(sku, 'MaxDataDiskCount') ?? undefined,
        },
        list,
        prices,
      );
      out.push({
        ...size,
        extra: { ...size.extra, family: sku.family ?? null, priceLocation: prices.size ? where : null },
      });
    }
    return out;
  }

  async listImages(): Promise<RemoteImage[]> {
    const [subscriptionId] = await subscriptionIds(this.api, this.config);
    if (!subscriptionId) return [];
    const { compute } = this.api.clients(subscriptionId);
    const out: RemoteImage[] = [];
    for (const urn of this.config.images) {
      const [publisher, offer, sku] = urn.split(':') as [string, string, string];
      try {
        const versions = await this.api.read(() =>
          compute.virtualMachineImages.list(this.config.imageLocation, publisher, offer, sku, {
            top: 1,
            orderby: 'name desc',
            ...this.api.callOptions(),
          }),
        );
        const latest = versions
          .map((v) => v.name)
          .sort(compareVersions)
          .pop();
        if (latest)
          out.push({
            ...toImage(publisher, offer, sku, 'latest'),
            extra: { publisher, offer, sku, latestVersion: latest },
          });
      } catch (err) {
        // An offer retired from the marketplace is left out, not a failure of the list.
        if (err instanceof ProviderError && err.kind === 'not-found') continue;
        throw err;
      }
    }
    return out;
  }

  async listLocations(): Promise<RemoteLocation[]> {
    const [subscriptionId] = await subscriptionIds(this.api, this.config);
    if (!subscriptionId) return [];
    const out: RemoteLocation[] = [];
    for await (const l of this.api.pages(() =>
      this.api.subscriptions.subscriptions.listLocations(subscriptionId),
    )) {
      // Logical regions (edge zones, "global") hold no VMs.
      if (l.metadata?.regionType && l.metadata.regionType !== 'Physical') continue;
      out.push(toLocation(l));
    }
    return out;
  }

  async machineAction(
    externalId: string,
    action: MachineAction | ProviderAction,
    _options: { name?: string } = {},
  ): Promise<void> {
    const ref = parseId(externalId, 'virtualMachines', 'machine');
    const vms = this.api.clients(ref.subscriptionId).compute.virtualMachines;
    const { resourceGroup: rg, name } = ref;
    switch (action) {
      case 'start':
        await this.api.operation((o) => vms.start(rg, name, o), true);
        return;
      case 'stop':
        // Powered off, still allocated (and billed): 'deallocate' releases the hardware.
        await this.api.operation((o) => vms.powerOff(rg, name, o), true);
        return;
      case 'deallocate':
        // Releases the hardware: compute billing stops, the disks (and a static IP) stay.
        await this.api.operation((o) => vms.deallocate(rg, name, o), true);
        return;
      case 'reboot':
        await this.api.operation((o) => vms.restart(rg, name, o), true);
        return;
      case 'destroy':
        // The NIC, public IP and disks go with it as their deleteOption says (Delete for ours).
        await this.api.operation((o) => vms.delete(rg, name, o), true);
        return;
      case 'rename':
        throw new ProviderError(
          'invalid',
          "Azure does not support renaming a virtual machine: its name is part of its resource id. Create a new VM from this one's disk to change it.",
        );
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    // Checked before anything is made, so a refused name leaves no IP or NIC behind.
    if (!VM_NAME.test(spec.name))
      throw new ProviderError(
        'invalid',
        `'${spec.name}' is not a valid Azure VM name: 1 to 64 letters, digits, '-', '.' or '_', starting with a letter or digit and not ending with '.' or '-'.`,
      );
    const urn = spec.image.split(':');
    if (urn.length !== 4 || urn.some((p) => p === ''))
      throw new ProviderError(
        'invalid',
        `'${spec.image}' is not a marketplace image (publisher:offer:sku:version)`,
      );
    const [publisher, offer, sku, version] = urn as [string, string, string, string];
    if (/windows/i.test(`${publisher} ${offer}`))
      throw new ProviderError(
        'invalid',
        'Windows VMs need an administrator password, which Overcast does not set: create them in the Azure portal.',
      );
    if (!spec.sshKey)
      throw new ProviderError(
        'invalid',
        'Azure needs an SSH key (or a password) for a new Linux VM: choose an SSH key.',
      );
    const subnetId = this.config.subnetId;
    if (!subnetId)
      throw new ProviderError(
        'invalid',
        "Creating machines needs a subnet: set the cloud's subnet id (/subscriptions/…/virtualNetworks/…/subnets/…).",
      );
    const subscriptionId = await targetSubscription(this.api, this.config);
    const { compute, network } = this.api.clients(subscriptionId);
    const rg = this.config.resourceGroup;
    const location = spec.location;
    const tags = spec.tags ?? {};
    // ARM's PUTs are idempotent (create or update), so each step may be retried.
    let publicIpId: string | undefined;
    if (this.config.publicIp) {
      const ip = await this.api.operation(
        (o) =>
          network.publicIPAddresses.createOrUpdate(
            rg,
            `${spec.name}-ip`,
            { location, tags, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' },
            o,
          ),
        true,
      );
      publicIpId = ip?.id;
    }
    const nic = await this.api.operation(
      (o) =>
        network.networkInterfaces.createOrUpdate(
          rg,
          `${spec.name}-nic`,
          {
            location,
            tags,
            ipConfigurations: [
              {
                name: 'ipconfig1',
                subnet: { id: subnetId },
                privateIPAllocationMethod: 'Dynamic',
                ...(publicIpId ? { publicIPAddress: { id: publicIpId, deleteOption: 'Delete' } } : {}),
              },
            ],
          },
          o,
        ),
      true,
    );
    if (!nic?.id)
      throw new ProviderError('unavailable', 'Azure did not finish creating the network interface in time.');
    const admin = this.config.adminUsername;
    const vm = await this.api.operation(
      (o) =>
        compute.virtualMachines.createOrUpdate(
          rg,
          spec.name,
          {
            location,
            tags,
            hardwareProfile: { vmSize: spec.size },
            storageProfile: {
              imageReference: { publisher, offer, sku, version },
              osDisk: {
                createOption: 'FromImage',
                deleteOption: 'Delete',
                managedDisk: { storageAccountType: this.config.diskSku },
              },
            },
            osProfile: {
              computerName: spec.name,
              adminUsername: admin,
              ...(spec.userData ? { customData: Buffer.from(spec.userData).toString('base64') } : {}),
              linuxConfiguration: {
                disablePasswordAuthentication: true,
                ssh: {
                  publicKeys: [
                    { path: `/home/${admin}/.ssh/authorized_keys`, keyData: spec.sshKey!.publicKey.trim() },
                  ],
                },
              },
            },
            networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: 'Delete' }] },
          },
          o,
        ),
      true,
    );
    const created =
      vm ?? (await this.api.read(() => compute.virtualMachines.get(rg, spec.name, this.api.callOptions())));
    const view = await this.instanceView(created);
    const nics = new Map<string, NicAddresses>();
    try {
      const fresh = await this.api.read(() =>
        network.networkInterfaces.get(rg, `${spec.name}-nic`, this.api.callOptions()),
      );
      const ips = new Map<string, string>();
      if (publicIpId) {
        const ip = await this.api.read(() =>
          network.publicIPAddresses.get(rg, `${spec.name}-ip`, this.api.callOptions()),
        );
        if (ip.id && ip.ipAddress) ips.set(ip.id.toLowerCase(), ip.ipAddress);
      }
      if (fresh.id) nics.set(fresh.id.toLowerCase(), addressesOf(fresh, ips));
    } catch (err) {
      // The machine exists; its addresses show on the next sync.
      if (!(err instanceof ProviderError && err.kind === 'not-found')) throw err;
    }
    return toMachine(created, view, nics, await this.prices.region(location));
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const subscriptionId = await targetSubscription(this.api, this.config);
        const { compute } = this.api.clients(subscriptionId);
        const disk = await this.api.operation(
          (o) =>
            compute.disks.createOrUpdate(
              this.config.resourceGroup,
              op.name,
              {
                location: op.location,
                sku: { name: this.config.diskSku as 'StandardSSD_LRS' },
                creationData: { createOption: 'Empty' },
                diskSizeGB: op.sizeGb,
              },
              o,
            ),
          true,
        );
        const created =
          disk ??
          (await this.api.read(() =>
            compute.disks.get(this.config.resourceGroup, op.name, this.api.callOptions()),
          ));
        return toVolume(created, await this.prices.region(op.location));
      }
      case 'attach':
      case 'detach': {
        parseId(op.volumeId, 'disks', 'volume');
        const vm = parseId(op.machineId, 'virtualMachines', 'machine');
        const { compute } = this.api.clients(vm.subscriptionId);
        if (op.op === 'detach') {
          const current = await this.api.read(() =>
            compute.virtualMachines.get(vm.resourceGroup, vm.name, this.api.callOptions()),
          );
          const attached = (current?.storageProfile?.dataDisks ?? []).some((d) =>
            sameId(d.managedDisk?.id, op.volumeId),
          );
          // Already detached: nothing to do.
          if (!attached) return undefined;
        }
        const change =
          op.op === 'attach'
            ? { dataDisksToAttach: [{ diskId: op.volumeId }] }
            : { dataDisksToDetach: [{ diskId: op.volumeId }] };
        await this.api.operation(
          (o) => compute.virtualMachines.attachDetachDataDisks(vm.resourceGroup, vm.name, change, o),
          true,
        );
        return undefined;
      }
      case 'delete': {
        const disk = parseId(op.volumeId, 'disks', 'volume');
        const { compute } = this.api.clients(disk.subscriptionId);
        await this.api.operation((o) => compute.disks.delete(disk.resourceGroup, disk.name, o), true);
        return undefined;
      }
    }
  }
}

function addressesOf(nic: NetworkInterface, publicIps: ReadonlyMap<string, string>): NicAddresses {
  const configs = nic.ipConfigurations ?? [];
  return {
    privateIps: configs.map((c) => c.privateIPAddress).filter((ip): ip is string => !!ip),
    publicIps: configs
      .map((c) => {
        const pip = c.publicIPAddress;
        return pip?.ipAddress ?? (pip?.id ? publicIps.get(pip.id.toLowerCase()) : undefined);
      })
      .filter((ip): ip is string => !!ip),
  };
}

/** Marketplace versions are dotted numbers ("22.04.202501150"); compared part by part. */
function compareVersions(a: string | undefined, b: string | undefined): number {
  const pa = (a ?? '').split('.').map(Number);
  const pb = (b ?? '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A driver for Azure Resource Manager: every subscription the service principal sees, or the
 * one configured; with its virtual networks and security groups (networks.ts). `endpoint` overrides the ARM address (Azure Stack Hub, sovereign clouds, the
 * emulator); `config` takes the fields of AzureConfig.
 */
export function createAzureDriver(init: DriverInit<Partial<AzureCredentials>>) {
  const credentials = readCredentials(init.credentials);
  const config = readConfig(init.config);
  const api = new AzureApi(credentials, armEndpoint(init.endpoint), config, init.lookup);
  return withDns(
    withNetworks(new AzureDriver(api, config), new AzureNetworks(api, config)),
    new AzureDns(api, config),
  );
}
