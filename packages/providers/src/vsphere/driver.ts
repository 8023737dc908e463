import {
  type CreateMachineSpec,
  type DriverInit,
  type MachineAction,
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
  type TicketConsoleDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { inBatches, mapInOrder } from '../common/batches';
import { type CertificateInfo, learnedPin } from '../common/pinned-tls';
import { withNetworks } from '../common/with-networks';
import { VcClient } from './client';
import { apiRoot, readConfig, readCredentials, type VsphereConfig, type VsphereCredentials } from './config';
import { deployVm, presetSizes, templateImages } from './create';
import { hostCapacity } from './hosts';
import {
  type DatastoreSummary,
  datastoreOfFile,
  type GuestIdentity,
  type HostSummary,
  type Placement,
  toLocation,
  toMachine,
  toVolume,
  type VmInfo,
  type VmSummary,
  vmId,
} from './map';
import { VsphereNetworks } from './networks';
import { resizesRunning, resizeTargets, resizeVm } from './resize';
import * as snapshots from './snapshots';
import { VimClient, vimRoot } from './vim';

/** A vSphere driver also tells which certificate it saw, and opens consoles. */
export interface VsphereDriver extends ProviderDriver, SnapshotDriver, ResizeDriver, TicketConsoleDriver {
  readonly provider: 'vsphere';
  readonly certificate: CertificateInfo | null;
  resizeTargets(externalId: string): Promise<string[]>;
  resizesRunning(externalId: string): Promise<boolean>;
}

const already = (err: unknown) =>
  err instanceof ProviderError && err.options.code === 'ALREADY_IN_DESIRED_STATE';

class Driver implements VsphereDriver {
  readonly provider = 'vsphere' as const;
  /** Reverted in place; a running VM's snapshot holds its memory, so it comes back running. */
  readonly canRevertSnapshots = true;

  constructor(
    private readonly api: VcClient,
    private readonly vim: VimClient,
    private readonly config: VsphereConfig,
  ) {}

  get certificate(): CertificateInfo | null {
    return this.api.certificate;
  }

  /** A certificate trusted on first use is pinned from then on. */
  learnedConfig(): Record<string, unknown> {
    return learnedPin(this.api.certificate);
  }

  /** Logging in proves the password; listing hosts proves the user may see the inventory. */
  async validate(): Promise<void> {
    await this.api.request('GET', '/vcenter/host');
  }

  /** Every host with its cluster and datacenter (vCenter's lists say neither, its filters do). */
  private async placements(signal?: AbortSignal): Promise<Placement[]> {
    const [hosts, clusters, datacenters] = await Promise.all([
      this.api.request<HostSummary[]>('GET', '/vcenter/host', { signal }),
      this.api.request<Array<{ cluster: string; name: string }>>('GET', '/vcenter/cluster', { signal }),
      this.api.request<Array<{ datacenter: string; name: string }>>('GET', '/vcenter/datacenter', { signal }),
    ]);
    const clusterOf = new Map<string, { cluster: string; name: string }>();
    for (const c of clusters ?? []) {
      const members = await this.api.request<HostSummary[]>('GET', '/vcenter/host', {
        query: { clusters: c.cluster },
        signal,
      });
      for (const h of members ?? []) clusterOf.set(h.host, c);
    }
    const datacenterOf = new Map<string, { datacenter: string; name: string }>();
    for (const d of datacenters ?? []) {
      const members = await this.api.request<HostSummary[]>('GET', '/vcenter/host', {
        query: { datacenters: d.datacenter },
        signal,
      });
      for (const h of members ?? []) datacenterOf.set(h.host, d);
    }
    return (hosts ?? []).map((host) => ({
      host,
      cluster: clusterOf.get(host.host) ?? null,
      datacenter: datacenterOf.get(host.host) ?? null,
    }));
  }

  /**
   * Every VM, host by host. `GET /vcenter/vm` has no pages: past 4,000 VMs it refuses with
   * UNABLE_TO_ALLOCATE_RESOURCE, asking for filters. An ESXi host registers at most 1,024 VMs,
   * so one list per host always fits.
   */
  private async vms(signal?: AbortSignal): Promise<Array<{ vm: VmSummary; placement: Placement }>> {
    const out: Array<{ vm: VmSummary; placement: Placement }> = [];
    for (const placement of await this.placements(signal)) {
      if (signal?.aborted) break;
      const list = await this.api.request<VmSummary[]>('GET', '/vcenter/vm', {
        query: { hosts: placement.host.host },
        signal,
      });
      for (const vm of list ?? []) out.push({ vm, placement });
    }
    return out;
  }

  private async info(vm: string, signal?: AbortSignal): Promise<VmInfo | null> {
    try {
      return await this.api.request<VmInfo>('GET', `/vcenter/vm/${vm}`, { signal });
    } catch (err) {
      // Deleted between the list and now: the next poll will not list it.
      if (err instanceof ProviderError && err.kind === 'not-found') return null;
      throw err;
    }
  }

  /** Tools report the guest's name and address; a VM without them running has none to give. */
  private async identity(vm: VmSummary, signal?: AbortSignal): Promise<GuestIdentity | null> {
    if (vm.power_state !== 'POWERED_ON') return null;
    try {
      return await this.api.request<GuestIdentity>('GET', `/vcenter/vm/${vm.vm}/guest/identity`, {
        signal,
        // Tools not running answers 503 SERVICE_UNAVAILABLE: that is the VM's state, not an outage.
        idempotent: false,
      });
    } catch (err) {
      if (err instanceof ProviderError && (err.kind === 'auth' || err.kind === 'throttled')) throw err;
      return null;
    }
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const detailed = inBatches(
      await this.vms(signal),
      this.config.concurrency,
      async ({ vm }) => ({ info: await this.info(vm.vm, signal), identity: await this.identity(vm, signal) }),
      signal,
    );
    for await (const [{ vm, placement }, d] of detailed)
      if (d.info) yield toMachine(vm, d.info, d.identity, placement);
  }

  /** Every VM with its details (disks, NICs), a few at a time. */
  async infos(signal: AbortSignal): Promise<Array<{ vm: string; info: VmInfo | null }>> {
    const vms = (await this.vms(signal)).map((v) => v.vm.vm);
    const infos = await mapInOrder(vms, this.config.concurrency, (vm) => this.info(vm, signal), signal);
    return vms.map((vm, i) => ({ vm, info: infos[i] ?? null }));
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const datastores =
      (await this.api.request<DatastoreSummary[]>('GET', '/vcenter/datastore', { signal })) ?? [];
    const infos = await this.infos(signal);
    if (signal.aborted) return;
    const users = new Map<string, string[]>();
    for (const { vm, info } of infos) {
      for (const disk of Object.values(info?.disks ?? {})) {
        const name = datastoreOfFile(disk.backing?.vmdk_file);
        if (!name) continue;
        const list = users.get(name) ?? [];
        if (!list.includes(vm)) list.push(vm);
        users.set(name, list);
      }
    }
    for (const ds of datastores) yield toVolume(ds, users.get(ds.name) ?? []);
  }

  async listSizes(): Promise<RemoteSize[]> {
    const placements = await this.placements();
    return presetSizes(
      await mapInOrder(placements, this.config.concurrency, (p) => hostCapacity(this.vim, p.host.host)),
    );
  }

  async listImages(): Promise<RemoteImage[]> {
    return templateImages(this.api);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return (await this.placements()).map(toLocation);
  }

  private async power(vm: string, action: 'start' | 'stop' | 'reset' | 'suspend'): Promise<void> {
    try {
      await this.api.request('POST', `/vcenter/vm/${vm}/power`, { query: { action }, idempotent: true });
    } catch (err) {
      // Starting a running VM, or stopping a stopped one, is done already.
      if (!already(err)) throw err;
    }
  }

  async machineAction(externalId: string, action: MachineAction, options?: { name?: string }): Promise<void> {
    const vm = vmId(externalId);
    switch (action) {
      case 'start':
        return this.power(vm, 'start');
      case 'stop':
        // The vSphere Client's Power Off: immediate, with or without VMware Tools in the guest.
        return this.power(vm, 'stop');
      case 'reboot':
        return this.power(vm, 'reset');
      case 'destroy':
        // vCenter deletes only a powered-off VM.
        await this.power(vm, 'stop');
        await this.api.request('DELETE', `/vcenter/vm/${vm}`);
        return;
      case 'rename': {
        // The REST API has no rename; the VI/JSON API's Rename_Task does what the vSphere Client does.
        const name = options?.name?.trim();
        if (!name) throw new ProviderError('invalid', 'Give the new name of the virtual machine.');
        await this.vim.runTask('VirtualMachine', vm, 'Rename_Task', { newName: name });
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    return resizeVm(this.api, this.vim, vmId(externalId), sizeId);
  }

  async resizeTargets(externalId: string): Promise<string[]> {
    return resizeTargets(this.api, this.vim, vmId(externalId));
  }

  async resizesRunning(externalId: string): Promise<boolean> {
    return resizesRunning(this.api, vmId(externalId));
  }

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    return snapshots.listSnapshots(this.vim, vmId(machineExternalId));
  }

  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    const vm = vmId(machineExternalId);
    const power = (await this.api.request<{ state?: string }>('GET', `/vcenter/vm/${vm}/power`))?.state;
    return snapshots.createSnapshot(this.vim, vm, name, power === 'POWERED_ON');
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.revertSnapshot(this.vim, vmId(machineExternalId), snapshotExternalId);
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.vim, vmId(machineExternalId), snapshotExternalId);
  }

  async consoleTicket(externalId: string): Promise<string> {
    const vm = vmId(externalId);
    const answer = await this.api.request<{ ticket?: unknown }>('POST', `/vcenter/vm/${vm}/console/tickets`, {
      body: { type: 'VMRC' },
    });
    if (typeof answer?.ticket !== 'string')
      throw new ProviderError('unavailable', 'vCenter answered the console request without a ticket');
    return answer.ticket;
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const vm = await deployVm(this.api, this.vim, spec);
    const [summary] =
      (await this.api.request<VmSummary[]>('GET', '/vcenter/vm', { query: { vms: vm } })) ?? [];
    if (!summary) throw new ProviderError('unavailable', `vCenter does not list the new VM ${vm} yet.`);
    const placement = (await this.placements()).find((p) => p.host.host === spec.location) ?? null;
    return toMachine(summary, await this.info(vm), await this.identity(summary), placement);
  }

  async volumeAction(_op: VolumeOperation): Promise<RemoteVolume | undefined> {
    throw new ProviderError(
      'invalid',
      "vSphere datastores are listed for their capacity and users; a VM's disks are added in the vSphere Client.",
    );
  }
}

/** A driver for one vCenter Server; `certificateFingerprint` in the config pins its TLS certificate. */
export function createVsphereDriver(init: DriverInit<VsphereCredentials>): VsphereDriver {
  const config = readConfig(init.config);
  const root = apiRoot(init.endpoint);
  const credentials = readCredentials(init.credentials);
  const api = new VcClient(root, credentials, config, init.lookup);
  const vim = new VimClient(vimRoot(root), credentials, config, api.agent);
  const driver = new Driver(api, vim, config);
  return withNetworks(driver, new VsphereNetworks(api, (signal) => driver.infos(signal)));
}
