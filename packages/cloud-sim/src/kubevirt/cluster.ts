// The state of an emulated Kubernetes cluster with KubeVirt and CDI: namespaces, VirtualMachines
// and their instances, DataVolumes with the claims they make, DataSources and cluster
// instancetypes. Refusals are KubeError, rendered as Kubernetes `Status` bodies.

import { randomUUID } from 'node:crypto';
import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';

// biome-ignore lint/suspicious/noExplicitAny: objects as clients send them (any shape); each operation checks what it reads.
type Body = any;
export type Obj = { apiVersion?: string; kind?: string; metadata: Meta; spec?: Body; status?: Body };
export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string },
  ) {
    super(message);
  }
}

/** Where each resource lives: its API group version and kind. */
export const RESOURCES = {
  namespaces: { group: '', version: 'v1', kind: 'Namespace', namespaced: false },
  persistentvolumeclaims: { group: '', version: 'v1', kind: 'PersistentVolumeClaim', namespaced: true },
  virtualmachines: { group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachine', namespaced: true },
  virtualmachineinstances: {
    group: 'kubevirt.io',
    version: 'v1',
    kind: 'VirtualMachineInstance',
    namespaced: true,
  },
  datavolumes: { group: 'cdi.kubevirt.io', version: 'v1beta1', kind: 'DataVolume', namespaced: true },
  datasources: { group: 'cdi.kubevirt.io', version: 'v1beta1', kind: 'DataSource', namespaced: true },
  virtualmachinesnapshots: {
    group: 'snapshot.kubevirt.io',
    version: 'v1beta1',
    kind: 'VirtualMachineSnapshot',
    namespaced: true,
  },
  virtualmachinerestores: {
    group: 'snapshot.kubevirt.io',
    version: 'v1beta1',
    kind: 'VirtualMachineRestore',
    namespaced: true,
  },
  services: { group: '', version: 'v1', kind: 'Service', namespaced: true },
  networkpolicies: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  'network-attachment-definitions': {
    group: 'k8s.cni.cncf.io',
    version: 'v1',
    kind: 'NetworkAttachmentDefinition',
    namespaced: true,
  },
  virtualmachineclusterinstancetypes: {
    group: 'instancetype.kubevirt.io',
    version: 'v1beta1',
    kind: 'VirtualMachineClusterInstancetype',
    namespaced: false,
  },
} as const;
export type Resource = keyof typeof RESOURCES;

/** An RFC 1123 label (namespaces, and the names this emulator accepts). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const qualified = (resource: Resource) => {
  const { group } = RESOURCES[resource];
  return group ? `${resource}.${group}` : resource;
};

export class Cluster {
  private readonly store = new Map<Resource, Map<string, Obj>>();
  private version = 1000;
  private machines = 0;
  /** Work the controllers finish later (a snapshot becoming ready, a restore completing). */
  readonly timeline = new Timeline();
  /** How long the snapshot controller takes to finish a snapshot or a restore. */
  snapshotDelayMs = 100;

  constructor() {
    for (const r of Object.keys(RESOURCES) as Resource[]) this.store.set(r, new Map());
  }

  private table(resource: Resource) {
    return this.store.get(resource)!;
  }

  stamp(meta: Meta): void {
    this.version += 1;
    meta.resourceVersion = String(this.version);
  }

  put(resource: Resource, obj: Obj): Obj {
    const { group, version, kind } = RESOURCES[resource];
    obj.apiVersion = group ? `${group}/${version}` : version;
    obj.kind = kind;
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.stamp(obj.metadata);
    this.table(resource).set(this.key(obj.metadata.namespace, obj.metadata.name), obj);
    return obj;
  }

  private key(namespace: string | undefined, name: string) {
    return namespace ? `${namespace}/${name}` : name;
  }

  notFound(resource: Resource, name: string): KubeError {
    return new KubeError(404, 'NotFound', `${qualified(resource)} "${name}" not found`, {
      name,
      group: RESOURCES[resource].group,
      kind: resource,
    });
  }

  get(resource: Resource, namespace: string | undefined, name: string): Obj {
    const found = this.table(resource).get(this.key(namespace, name));
    if (!found) throw this.notFound(resource, name);
    return found;
  }

  /** Objects sorted by namespace and name, as the API server's storage keys are. */
  list(resource: Resource, namespace?: string): Obj[] {
    return [...this.table(resource).values()]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .sort((a, b) =>
        this.key(a.metadata.namespace, a.metadata.name).localeCompare(
          this.key(b.metadata.namespace, b.metadata.name),
        ),
      );
  }

  addNamespace(name: string): void {
    if (!this.table('namespaces').has(name))
      this.put('namespaces', {
        metadata: { name },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
  }

  addInstancetype(name: string, cpus: number, memory: string): void {
    this.put('virtualmachineclusterinstancetypes', {
      metadata: { name },
      spec: { cpu: { guest: cpus }, memory: { guest: memory } },
    });
  }

  addDataSource(namespace: string, name: string): void {
    this.addNamespace(namespace);
    this.put('persistentvolumeclaims', this.claim(namespace, `${name}-base`, '5Gi'));
    this.put('datasources', {
      metadata: { name, namespace, labels: { 'instancetype.kubevirt.io/default-preference': name } },
      spec: { source: { pvc: { name: `${name}-base`, namespace } } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }

  private claim(namespace: string, name: string, size: string): Obj {
    return {
      metadata: { name, namespace },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
        storageClassName: 'local-path',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } },
    };
  }

  checkName(resource: Resource, name: unknown, namespace: string | undefined): string {
    if (typeof name !== 'string' || !DNS_LABEL.test(name))
      throw new KubeError(
        422,
        'Invalid',
        `${RESOURCES[resource].kind}.${RESOURCES[resource].group || 'core'} "${String(name)}" is invalid: metadata.name: Invalid value: "${String(name)}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
        { name: String(name), kind: RESOURCES[resource].kind },
      );
    if (namespace && !this.table('namespaces').has(namespace))
      throw new KubeError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    if (this.table(resource).has(this.key(namespace, name)))
      throw new KubeError(409, 'AlreadyExists', `${qualified(resource)} "${name}" already exists`, {
        name,
        kind: resource,
      });
    return name;
  }

  /**
   * A Multus NetworkAttachmentDefinition. The CRD's schema types `spec.config` as a string; the
   * Multus admission webhook refuses one that is not a CNI config (JSON naming a type or plugins).
   */
  createAttachment(namespace: string, body: Obj): Obj {
    const name = this.checkName('network-attachment-definitions', body?.metadata?.name, namespace);
    const config = body.spec?.config;
    let parsed: Body;
    try {
      parsed = typeof config === 'string' ? JSON.parse(config) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || (!parsed.type && !Array.isArray(parsed.plugins)))
      throw new KubeError(
        400,
        'BadRequest',
        `admission webhook "net-attach-def-admission-controller-validating-config.k8s.io" denied the request: invalid config: error parsing configuration: missing 'type'`,
      );
    return this.put('network-attachment-definitions', {
      metadata: {
        name,
        namespace,
        labels: body.metadata.labels ?? {},
        ...(body.metadata.annotations ? { annotations: body.metadata.annotations } : {}),
      },
      spec: { config },
    });
  }

  createDataVolume(namespace: string, body: Obj): Obj {
    const name = this.checkName('datavolumes', body?.metadata?.name, namespace);
    const size =
      body.spec?.storage?.resources?.requests?.storage ?? body.spec?.pvc?.resources?.requests?.storage;
    if (typeof size !== 'string' || !/^\d+(Ki|Mi|Gi|Ti)?$/.test(size))
      throw new KubeError(
        422,
        'Invalid',
        `DataVolume.cdi.kubevirt.io "${name}" is invalid: spec.storage.resources.requests.storage: Required value`,
      );
    const ref = body.spec?.sourceRef;
    if (ref) this.get('datasources', ref.namespace ?? namespace, ref.name);
    this.put('persistentvolumeclaims', this.claim(namespace, name, size));
    return this.put('datavolumes', {
      metadata: { name, namespace, labels: body.metadata.labels },
      spec: body.spec,
      status: { phase: 'Succeeded', progress: '100.0%' },
    });
  }

  createVm(namespace: string, body: Obj): Obj {
    const name = this.checkName('virtualmachines', body?.metadata?.name, namespace);
    const spec = body.spec;
    if (!spec?.template?.spec?.domain)
      throw new KubeError(
        422,
        'Invalid',
        `VirtualMachine.kubevirt.io "${name}" is invalid: spec.template.spec.domain: Required value`,
      );
    if (spec.instancetype?.name)
      this.get('virtualmachineclusterinstancetypes', undefined, spec.instancetype.name);
    for (const t of spec.dataVolumeTemplates ?? [])
      this.createDataVolume(namespace, { metadata: t.metadata, spec: t.spec });
    const vm = this.put('virtualmachines', {
      metadata: { name, namespace, labels: body.metadata.labels ?? {}, generation: 1 },
      spec,
      status: { printableStatus: 'Stopped', ready: false, created: false },
    });
    if (this.wantsRunning(vm)) this.boot(vm);
    return vm;
  }

  private wantsRunning(vm: Obj): boolean {
    return (
      vm.spec.running === true || (vm.spec.runStrategy !== undefined && vm.spec.runStrategy !== 'Halted')
    );
  }

  private boot(vm: Obj): void {
    const n = this.machines++;
    this.put('virtualmachineinstances', {
      metadata: {
        name: vm.metadata.name,
        namespace: vm.metadata.namespace,
        labels: { 'kubevirt.io/domain': vm.metadata.name },
      },
      spec: vm.spec.template.spec,
      status: {
        phase: 'Running',
        nodeName: `node-${(n % 3) + 1}`,
        interfaces: [
          {
            name: 'default',
            ipAddress: machineAddress('kubevirt', 'private', n),
            ipAddresses: [machineAddress('kubevirt', 'private', n)],
          },
        ],
      },
    });
    vm.status = { printableStatus: 'Running', ready: true, created: true };
    this.stamp(vm.metadata);
  }

  running(vm: Obj): boolean {
    return this.table('virtualmachineinstances').has(this.key(vm.metadata.namespace, vm.metadata.name));
  }

  /** The subresources' PUTs; KubeVirt refuses a start of a running VM and a stop of a stopped one. */
  act(namespace: string, name: string, verb: 'start' | 'stop' | 'restart'): void {
    const vm = this.get('virtualmachines', namespace, name);
    const running = this.running(vm);
    if (verb === 'start') {
      if (running)
        throw new KubeError(
          409,
          'Conflict',
          'Operation cannot be fulfilled on virtualmachine.kubevirt.io "' + name + '": VM is already running',
        );
      if (vm.spec.runStrategy) vm.spec.runStrategy = 'Always';
      else vm.spec.running = true;
      this.boot(vm);
      return;
    }
    if (!running)
      throw new KubeError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on virtualmachine.kubevirt.io "${name}": VM is not running`,
      );
    if (verb === 'restart') {
      this.table('virtualmachineinstances').delete(this.key(namespace, name));
      this.boot(vm);
      return;
    }
    if (vm.spec.runStrategy) vm.spec.runStrategy = 'Halted';
    else vm.spec.running = false;
    this.table('virtualmachineinstances').delete(this.key(namespace, name));
    vm.status = { printableStatus: 'Stopped', ready: false, created: false };
    this.stamp(vm.metadata);
  }

  replaceVm(namespace: string, name: string, body: Obj): Obj {
    const vm = this.get('virtualmachines', namespace, name);
    if (body?.metadata?.name !== name)
      throw new KubeError(
        400,
        'BadRequest',
        `the name of the object (${String(body?.metadata?.name)}) does not match the name on the URL (${name})`,
      );
    if (body.metadata.resourceVersion !== vm.metadata.resourceVersion)
      throw new KubeError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on virtualmachines.kubevirt.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    vm.spec = body.spec;
    vm.metadata.labels = body.metadata.labels ?? {};
    this.stamp(vm.metadata);
    return vm;
  }

  /** Deleting a VM takes its instance and the DataVolumes (and claims) its templates made. */
  delete(resource: Resource, namespace: string, name: string): Obj {
    const obj = this.get(resource, namespace, name);
    this.table(resource).delete(this.key(namespace, name));
    if (resource === 'virtualmachines') {
      this.table('virtualmachineinstances').delete(this.key(namespace, name));
      for (const t of obj.spec.dataVolumeTemplates ?? []) {
        this.table('datavolumes').delete(this.key(namespace, t.metadata.name));
        this.table('persistentvolumeclaims').delete(this.key(namespace, t.metadata.name));
      }
    }
    if (resource === 'datavolumes') this.table('persistentvolumeclaims').delete(this.key(namespace, name));
    return obj;
  }

  /** `count` VMs in `namespace`, one in five stopped, each booting a clone of the first DataSource. */
  seed(namespace: string, count: number, prefix: string): void {
    this.addNamespace(namespace);
    for (let i = 0; i < count; i++) {
      const name = `${prefix}-${String(i).padStart(3, '0')}`;
      this.createVm(namespace, {
        metadata: { name, labels: { app: prefix } },
        spec: {
          runStrategy: i % 5 === 4 ? 'Halted' : 'Always',
          instancetype: { kind: 'VirtualMachineClusterInstancetype', name: 'u1.small' },
          dataVolumeTemplates: [
            {
              metadata: { name: `${name}-root` },
              spec: {
                sourceRef: { kind: 'DataSource', namespace: 'kubevirt-os-images', name: 'fedora' },
                storage: { resources: { requests: { storage: '10Gi' } } },
              },
            },
          ],
          template: {
            spec: {
              domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] } },
              volumes: [{ name: 'root', dataVolume: { name: `${name}-root` } }],
            },
          },
        },
      });
    }
  }
}
