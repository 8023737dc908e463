import { PatchStrategy, setHeaderOptions, type V1Namespace } from '@kubernetes/client-node';
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
  type VolumeOperation,
} from '@overcast/contracts';
import { userDataFor } from '../common/cloud-init';
import { withNetworks } from '../common/with-networks';
import { KubeClient } from './client';
import { KubevirtFirewalls } from './firewalls';
import { readKubeconfig } from './kubeconfig';
import {
  claimsOf,
  type DataSource,
  type DataVolume,
  type Instancetype,
  idOf,
  machineState,
  type Pvc,
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
  type VirtualMachine,
  type VirtualMachineInstance,
} from './map';
import { NAMESPACE } from './module';
import { KubevirtNetworks } from './networks';
import { isNamedServer } from './servers';
import * as snapshots from './snapshots';

const KUBEVIRT = { group: 'kubevirt.io', version: 'v1' };
const CDI = { group: 'cdi.kubevirt.io', version: 'v1beta1' };
const INSTANCETYPES = { group: 'instancetype.kubevirt.io', version: 'v1beta1' };
/** Objects asked for per page; the API server hands a `continue` token for the rest. */
const PAGE = 250;
const NAME = NAMESPACE;

interface Page<T> {
  items?: T[];
  metadata?: { continue?: string; _continue?: string };
}

/** `namespace/name` of a machine or volume, each part a Kubernetes name. */
function splitId(externalId: string, what: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = externalId.split('/');
  if (
    !namespace ||
    !name ||
    rest.length > 0 ||
    !NAME.test(namespace) ||
    !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)
  )
    throw new ProviderError('invalid', `'${externalId}' is not a KubeVirt ${what} id (namespace/name).`);
  return { namespace, name };
}

class Driver implements ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'kubevirt';
  readonly canRevertSnapshots = true;
  /** KubeVirt's restore webhook admits a VirtualMachineRestore only for a stopped VM. */
  readonly revertNeeds = 'stopped' as const;

  constructor(
    private readonly api: KubeClient,
    /** The one namespace this cloud covers, or null for every one the account may list. */
    private readonly namespace: string | null,
  ) {}

  /** Every item of a list, page by page: `limit` per request, then the server's `continue` token. */
  private async *pages<T>(
    fetch: (page: { limit: number; _continue?: string }) => Promise<unknown>,
    signal?: AbortSignal,
  ): AsyncIterable<T> {
    let token: string | undefined;
    do {
      if (signal?.aborted) return;
      const page = (await this.api.call(() => fetch({ limit: PAGE, _continue: token }), {
        signal,
      })) as Page<T>;
      yield* page.items ?? [];
      // The typed core APIs name the token `_continue`; custom objects come as the server sent them.
      token = page.metadata?.continue || page.metadata?._continue || undefined;
    } while (token);
  }

  /** A custom resource's objects, in the cloud's namespace or all of them. */
  private custom<T>(group: { group: string; version: string }, plural: string, signal?: AbortSignal) {
    const ns = this.namespace;
    return this.pages<T>(
      (page) =>
        ns
          ? this.api.objects.listNamespacedCustomObject({ ...group, plural, namespace: ns, ...page })
          : this.api.objects.listClusterCustomObject({ ...group, plural, ...page }),
      signal,
    );
  }

  private claims(signal?: AbortSignal) {
    const ns = this.namespace;
    return this.pages<Pvc>(
      (page) =>
        ns
          ? this.api.core.listNamespacedPersistentVolumeClaim({ namespace: ns, ...page })
          : this.api.core.listPersistentVolumeClaimForAllNamespaces(page),
      signal,
    );
  }

  /** Its networks part (networks.ts), listing through the same pages and scope. */
  networks(): KubevirtNetworks {
    return new KubevirtNetworks(
      this.api,
      this.namespace,
      (group, plural, signal) => this.custom(group, plural, signal),
      (namespace) => this.inScope(namespace),
    );
  }

  /** Its firewalls part (firewalls.ts): the NetworkPolicies, through the same pages and scope. */
  firewalls(): KubevirtFirewalls {
    return new KubevirtFirewalls(
      this.api,
      this.namespace,
      (group, plural, signal) => this.custom(group, plural, signal),
      (fetch, signal) => this.pages(fetch, signal),
      (namespace) => this.inScope(namespace),
    );
  }

  private async all<T>(source: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of source) out.push(item);
    return out;
  }

  /** Listing VirtualMachines proves both the kubeconfig and that KubeVirt is installed. */
  async validate(): Promise<void> {
    await this.api.call(() =>
      this.namespace
        ? this.api.objects.listNamespacedCustomObject({
            ...KUBEVIRT,
            plural: 'virtualmachines',
            namespace: this.namespace,
            limit: 1,
          })
        : this.api.objects.listClusterCustomObject({ ...KUBEVIRT, plural: 'virtualmachines', limit: 1 }),
    );
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const instances = new Map<string, VirtualMachineInstance>();
    for await (const vmi of this.custom<VirtualMachineInstance>(KUBEVIRT, 'virtualmachineinstances', signal))
      instances.set(idOf(vmi.metadata), vmi);
    for await (const vm of this.custom<VirtualMachine>(KUBEVIRT, 'virtualmachines', signal)) {
      if (signal.aborted) return;
      yield toMachine(vm, instances.get(idOf(vm.metadata)));
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const users = new Map<string, string[]>();
    for await (const vm of this.custom<VirtualMachine>(KUBEVIRT, 'virtualmachines', signal))
      for (const claim of claimsOf(vm)) {
        const key = `${vm.metadata.namespace}/${claim}`;
        users.set(key, [...(users.get(key) ?? []), idOf(vm.metadata)]);
      }
    const dataVolumes = new Map<string, DataVolume>();
    for await (const dv of this.custom<DataVolume>(CDI, 'datavolumes', signal))
      dataVolumes.set(idOf(dv.metadata), dv);
    for await (const pvc of this.claims(signal)) {
      const id = idOf(pvc.metadata);
      yield toVolume(pvc, dataVolumes.get(id), users.get(id) ?? []);
      dataVolumes.delete(id);
    }
    // DataVolumes whose claim is not made yet.
    for (const [id, dv] of dataVolumes) yield toVolume(undefined, dv, users.get(id) ?? []);
  }

  /** Cluster instancetypes, when the cluster serves instancetype.kubevirt.io; none otherwise. */
  async listSizes(): Promise<RemoteSize[]> {
    const groups = await this.api.call(() => this.api.apis.getAPIVersions());
    if (!groups.groups.some((g) => g.name === INSTANCETYPES.group)) return [];
    const types = await this.all(
      this.pages<Instancetype>((page) =>
        this.api.objects.listClusterCustomObject({
          ...INSTANCETYPES,
          plural: 'virtualmachineclusterinstancetypes',
          ...page,
        }),
      ),
    );
    return types
      .map(toSize)
      .sort((a, b) => (a.cpus ?? 0) - (b.cpus ?? 0) || (a.memoryMb ?? 0) - (b.memoryMb ?? 0));
  }

  /** The DataSources new machines can be cloned from. */
  async listImages(): Promise<RemoteImage[]> {
    return (await this.all(this.custom<DataSource>(CDI, 'datasources'))).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    if (this.namespace) return [toLocation(this.namespace)];
    const namespaces = await this.all(this.pages<V1Namespace>((page) => this.api.core.listNamespace(page)));
    return namespaces.flatMap((ns) => (ns.metadata?.name ? [toLocation(ns.metadata.name)] : []));
  }

  private inScope(namespace: string): void {
    if (this.namespace && namespace !== this.namespace)
      throw new ProviderError(
        'not-found',
        `This cloud covers the namespace ${this.namespace} only, not ${namespace}.`,
      );
  }

  async machineAction(externalId: string, action: MachineAction): Promise<void> {
    const { namespace, name } = splitId(externalId, 'machine');
    this.inScope(namespace);
    const sub = (verb: string) =>
      this.api.putSubresource(
        `/apis/subresources.kubevirt.io/v1/namespaces/${namespace}/virtualmachines/${name}/${verb}`,
      );
    switch (action) {
      case 'start':
      case 'stop':
        try {
          await sub(action);
        } catch (err) {
          // Starting a running VM or stopping a stopped one: KubeVirt refuses with 409, the state is already so.
          const done = action === 'start' ? /already running/i : /not running/i;
          if (!(err instanceof ProviderError && err.kind === 'conflict' && done.test(err.message))) throw err;
        }
        return;
      case 'reboot':
        return sub('restart');
      case 'destroy':
        await this.api.call(() =>
          this.api.objects.deleteNamespacedCustomObject({
            ...KUBEVIRT,
            plural: 'virtualmachines',
            namespace,
            name,
          }),
        );
        return;
      case 'rename':
        throw new ProviderError(
          'invalid',
          "Kubernetes cannot rename an object: a VirtualMachine's name is fixed when it is made.",
        );
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** A VirtualMachine whose root disk is a DataVolume cloned from the chosen DataSource. */
  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const namespace = spec.location;
    if (!NAME.test(namespace)) throw new ProviderError('invalid', `'${namespace}' is not a namespace name.`);
    this.inScope(namespace);
    if (!NAME.test(spec.name))
      throw new ProviderError(
        'invalid',
        'A KubeVirt machine name is lowercase letters, digits and dashes (at most 63), starting and ending with a letter or digit.',
      );
    const image = splitId(spec.image, 'image (DataSource)');
    const root = `${spec.name}-root`;
    const userData = userDataFor(spec.sshKey, spec.userData);
    // Without a key or script there is nothing for cloud-init to read: no disk for it.
    const cloudInit = userData ? [{ name: 'cloudinit', cloudInitNoCloud: { userData } }] : [];
    const body: VirtualMachine = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: spec.name, namespace, labels: { ...(spec.tags ?? {}) } },
      spec: {
        runStrategy: 'Always',
        instancetype: { kind: 'VirtualMachineClusterInstancetype', name: spec.size },
        dataVolumeTemplates: [
          {
            metadata: { name: root },
            spec: {
              sourceRef: { kind: 'DataSource', namespace: image.namespace, name: image.name },
              storage: { resources: { requests: { storage: '10Gi' } } },
            },
          },
        ],
        template: {
          metadata: { labels: { 'kubevirt.io/domain': spec.name } },
          spec: {
            domain: {
              devices: {
                disks: [
                  { name: 'root', disk: { bus: 'virtio' } },
                  ...cloudInit.map(({ name }) => ({ name, disk: { bus: 'virtio' } })),
                ],
              },
            },
            volumes: [{ name: 'root', dataVolume: { name: root } }, ...cloudInit],
          },
        },
      },
    };
    const made = (await this.api.call(
      () =>
        this.api.objects.createNamespacedCustomObject({
          ...KUBEVIRT,
          plural: 'virtualmachines',
          namespace,
          body,
        }),
      { idempotent: false },
    )) as VirtualMachine;
    return toMachine(made);
  }

  private async editVm(machineId: string, change: (vm: VirtualMachine) => void): Promise<void> {
    const { namespace, name } = splitId(machineId, 'machine');
    this.inScope(namespace);
    const ref = { ...KUBEVIRT, plural: 'virtualmachines', namespace, name };
    const vm = (await this.api.call(() => this.api.objects.getNamespacedCustomObject(ref))) as VirtualMachine;
    change(vm);
    // resourceVersion rides along: a change made in between is refused (409), not overwritten.
    await this.api.call(() => this.api.objects.replaceNamespacedCustomObject({ ...ref, body: vm }), {
      idempotent: false,
    });
  }

  /** The VM of a machine id, in this cloud's scope. */
  private vmRef(machineId: string): snapshots.VmRef {
    const ref = splitId(machineId, 'machine');
    this.inScope(ref.namespace);
    return ref;
  }

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const vm = this.vmRef(machineExternalId);
    const items = await this.all(
      this.pages<snapshots.VmSnapshot>((page) =>
        this.api.objects.listNamespacedCustomObject({
          ...snapshots.SNAPSHOT,
          plural: 'virtualmachinesnapshots',
          namespace: vm.namespace,
          ...page,
        }),
      ),
    );
    return snapshots.snapshotsOf(items, vm);
  }

  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    return snapshots.createSnapshot(this.api, this.vmRef(machineExternalId), name);
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.revertSnapshot(this.api, this.vmRef(machineExternalId), snapshotExternalId);
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.api, this.vmRef(machineExternalId), snapshotExternalId);
  }

  /**
   * Points a stopped VM at another cluster instancetype with a JSON merge patch, as `kubectl
   * patch --type merge` would: the stored revision is dropped so KubeVirt takes the new one, and
   * CPU and memory written into the template (which an instancetype may not be mixed with) go.
   */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const { namespace, name } = this.vmRef(externalId);
    const ref = { ...KUBEVIRT, plural: 'virtualmachines', namespace, name };
    const vm = (await this.api.call(() => this.api.objects.getNamespacedCustomObject(ref))) as VirtualMachine;
    const { state, raw } = machineState(vm);
    if (state !== 'stopped')
      throw new ProviderError(
        'conflict',
        `VirtualMachine ${namespace}/${name} is ${raw}: stop it before changing its instancetype.`,
      );
    const domain = vm.spec.template.spec.domain;
    const patch = {
      spec: {
        instancetype: { kind: 'VirtualMachineClusterInstancetype', name: sizeId, revisionName: null },
        ...(domain.cpu || domain.memory || domain.resources
          ? { template: { spec: { domain: { cpu: null, memory: null, resources: null } } } }
          : {}),
      },
    };
    await this.api.call(
      () =>
        this.api.objects.patchNamespacedCustomObject(
          { ...ref, body: patch },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      { idempotent: false },
    );
  }

  /** Blank DataVolumes are made and deleted; attaching adds the claim to the VM's template (used from its next start). */
  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        if (!NAME.test(op.location) || !NAME.test(op.name))
          throw new ProviderError(
            'invalid',
            'Volume and namespace names are lowercase letters, digits and dashes.',
          );
        this.inScope(op.location);
        const body = {
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: { name: op.name, namespace: op.location },
          spec: {
            source: { blank: {} },
            storage: { resources: { requests: { storage: `${op.sizeGb}Gi` } } },
          },
        };
        const made = (await this.api.call(
          () =>
            this.api.objects.createNamespacedCustomObject({
              ...CDI,
              plural: 'datavolumes',
              namespace: op.location,
              body,
            }),
          { idempotent: false },
        )) as DataVolume;
        return toVolume(undefined, made, []);
      }
      case 'delete': {
        const { namespace, name } = splitId(op.volumeId, 'volume');
        this.inScope(namespace);
        try {
          await this.api.call(() =>
            this.api.objects.deleteNamespacedCustomObject({ ...CDI, plural: 'datavolumes', namespace, name }),
          );
        } catch (err) {
          // A claim made without CDI has no DataVolume: delete the claim itself.
          if (!(err instanceof ProviderError && err.kind === 'not-found')) throw err;
          await this.api.call(() => this.api.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }));
        }
        return undefined;
      }
      case 'attach': {
        const volume = splitId(op.volumeId, 'volume');
        await this.editVm(op.machineId, (vm) => {
          if (vm.metadata.namespace !== volume.namespace)
            throw new ProviderError('invalid', 'A volume attaches only to machines of its own namespace.');
          const spec = vm.spec.template.spec;
          if (claimsOf(vm).includes(volume.name)) return;
          spec.volumes = [
            ...(spec.volumes ?? []),
            { name: volume.name, persistentVolumeClaim: { claimName: volume.name } },
          ];
          spec.domain.devices = spec.domain.devices ?? {};
          spec.domain.devices.disks = [
            ...(spec.domain.devices.disks ?? []),
            { name: volume.name, disk: { bus: 'virtio' } },
          ];
        });
        return undefined;
      }
      case 'detach': {
        const volume = splitId(op.volumeId, 'volume');
        await this.editVm(op.machineId, (vm) => {
          const spec = vm.spec.template.spec;
          const gone = new Set(
            (spec.volumes ?? [])
              .filter(
                (v) =>
                  v.persistentVolumeClaim?.claimName === volume.name || v.dataVolume?.name === volume.name,
              )
              .map((v) => v.name),
          );
          spec.volumes = (spec.volumes ?? []).filter((v) => !gone.has(v.name));
          if (spec.domain.devices?.disks)
            spec.domain.devices.disks = spec.domain.devices.disks.filter((d) => !gone.has(d.name));
        });
        return undefined;
      }
    }
  }
}

/** A driver for the KubeVirt of one cluster, through the account its kubeconfig names. */
export function createKubevirtDriver(init: DriverInit<{ kubeconfig: string }>): ProviderDriver {
  let access: ReturnType<typeof readKubeconfig>;
  try {
    access = readKubeconfig(init.credentials.kubeconfig);
  } catch (err) {
    throw new ProviderError('invalid', (err as Error).message);
  }
  // The outbound guard checked the servers the text names plainly; nothing else is dialled.
  if (!isNamedServer(init.credentials.kubeconfig, access.server))
    throw new ProviderError(
      'invalid',
      "Write the kubeconfig's server plainly, as server: https://host:port.",
    );
  const configured = init.config?.namespace;
  const namespace = typeof configured === 'string' && configured !== '' ? configured : null;
  const server = (init.endpoint?.trim() || access.server).replace(/\/+$/, '');
  const driver = new Driver(new KubeClient(server, access, init.lookup), namespace);
  return withNetworks(withNetworks(driver, driver.networks()), driver.firewalls());
}
