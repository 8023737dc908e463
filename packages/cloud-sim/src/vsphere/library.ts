// The emulated vCenter's content library of VM templates and its deploy call
// (`POST /api/vcenter/vm-template/library-items/{item}?action=deploy`), with the placement and
// hardware checks vCenter makes, and the cloud-init guest customization a new VM may take before
// its first power-on (`PUT /api/vcenter/vm/{vm}/guest/customization`, vSphere 7.0 U3+).

import { type SimVm, VcError, type VcInventory } from './inventory';

export interface LibraryItem {
  id: string;
  name: string;
  type: 'vm-template' | 'ovf' | 'iso';
  libraryId: string;
  guestOs: string;
  cpus: number;
  memoryMb: number;
  diskGb: number;
  datastore: string;
}

const LIBRARY = { id: '6f3c1a52-8a0b-4c5e-9d1f-7b2e4a9c0d11', name: 'Templates' };

/** Two Linux templates, and an ISO the deploy call refuses (it is not a VM template). */
const ITEMS: LibraryItem[] = [
  {
    id: 'a1b2c3d4-0001-4000-8000-000000000001',
    name: 'ubuntu-24.04-cloudimg',
    type: 'vm-template',
    libraryId: LIBRARY.id,
    guestOs: 'UBUNTU_64',
    cpus: 2,
    memoryMb: 2048,
    diskGb: 20,
    datastore: 'nfs-templates',
  },
  {
    id: 'a1b2c3d4-0002-4000-8000-000000000002',
    name: 'debian-12-genericcloud',
    type: 'vm-template',
    libraryId: LIBRARY.id,
    guestOs: 'DEBIAN_12_64',
    cpus: 1,
    memoryMb: 1024,
    diskGb: 16,
    datastore: 'nfs-templates',
  },
  {
    id: 'a1b2c3d4-0003-4000-8000-000000000003',
    name: 'rescue.iso',
    type: 'iso',
    libraryId: LIBRARY.id,
    guestOs: 'OTHER_LINUX_64',
    cpus: 1,
    memoryMb: 512,
    diskGb: 1,
    datastore: 'nfs-templates',
  },
];

/** The parts of vCenter's DeploySpec the emulator reads. */
export interface DeploySpec {
  name?: unknown;
  placement?: { host?: unknown; cluster?: unknown; resource_pool?: unknown; folder?: unknown };
  disk_storage?: { datastore?: unknown };
  powered_on?: unknown;
  hardware_customization?: {
    cpu_update?: { num_cpus?: unknown };
    memory_update?: { memory?: unknown };
  };
}

const invalid = (message: string) =>
  new VcError(400, 'INVALID_ARGUMENT', message, 'vapi.std.errors.invalid_argument');

export class ContentLibrary {
  readonly libraries = [LIBRARY];
  readonly items = new Map(ITEMS.map((i) => [i.id, i]));
  /** The cloud-init user data each VM was customized with, by VM id. */
  readonly cloudInit = new Map<string, { userdata: string; metadata: string }>();
  /** False stands for a vCenter before 7.0 U3, which has no cloud-init customization. */
  cloudInitSupported = true;

  constructor(
    private readonly inventory: VcInventory,
    /** How long a VM deployed with `powered_on` takes to power on. */
    private readonly bootMs: number,
  ) {}

  item(id: string): LibraryItem {
    const item = this.items.get(id);
    if (!item)
      throw new VcError(
        404,
        'NOT_FOUND',
        `Library item with identifier ${id} does not exist.`,
        'com.vmware.vdcs.cls-main.item_not_found',
      );
    return item;
  }

  itemView(item: LibraryItem) {
    return { id: item.id, name: item.name, type: item.type, library_id: item.libraryId, description: '' };
  }

  /** Deploys a VM from a template item where its placement says; the new VM's id. */
  deploy(itemId: string, spec: DeploySpec): SimVm {
    const item = this.item(itemId);
    if (item.type !== 'vm-template')
      throw invalid(`Library item ${item.id} is of type ${item.type}; only a VM template can be deployed.`);
    const name = typeof spec.name === 'string' ? spec.name : '';
    if (name.length === 0 || name.length > 80)
      throw invalid("Invalid value for field 'name': it must be 1 to 80 characters.");
    if ([...this.inventory.vms.values()].some((v) => v.name === name))
      throw new VcError(
        400,
        'ALREADY_EXISTS',
        `The name '${name}' already exists.`,
        'com.vmware.vdcs.vmtx-main.name_already_exists',
      );
    const hostId = spec.placement?.host;
    if (typeof hostId !== 'string')
      throw invalid("Placement must name a host, a cluster or a resource pool: 'placement.host' is unset.");
    const host = this.inventory.hosts.find((h) => h.host === hostId);
    if (!host) throw invalid(`Invalid value '${hostId}' for field 'placement.host': no such host.`);
    const datastoreId = spec.disk_storage?.datastore;
    const datastore =
      datastoreId === undefined
        ? this.inventory.datastores.find((d) => d.name === item.datastore)
        : this.inventory.datastores.find((d) => d.datastore === datastoreId);
    if (!datastore)
      throw invalid(
        `Invalid value '${String(datastoreId)}' for field 'disk_storage.datastore': no such datastore.`,
      );
    const cpus = spec.hardware_customization?.cpu_update?.num_cpus ?? item.cpus;
    if (!Number.isInteger(cpus) || (cpus as number) < 1 || (cpus as number) > 768)
      throw invalid(`Invalid value '${String(cpus)}' for field 'cpu_update.num_cpus'.`);
    const memory = spec.hardware_customization?.memory_update?.memory ?? item.memoryMb;
    if (!Number.isInteger(memory) || (memory as number) < 4 || (memory as number) % 4 !== 0)
      throw invalid(
        `Invalid value '${String(memory)}' for field 'memory_update.memory': a multiple of 4 MiB.`,
      );
    const vm = this.inventory.add({
      name,
      power: 'POWERED_OFF',
      tools: true,
      host: host.host,
      datastore: datastore.name,
      guestOs: item.guestOs,
      cpus: cpus as number,
      memoryMb: memory as number,
      diskGb: item.diskGb,
    });
    if (spec.powered_on === true)
      setTimeout(() => {
        if (this.inventory.vms.get(vm.vm) === vm && vm.power === 'POWERED_OFF') vm.power = 'POWERED_ON';
      }, this.bootMs).unref();
    return vm;
  }

  /** Cloud-init for the guest's first boot: vCenter takes it only while the VM is off. */
  customize(vm: SimVm, body: unknown): void {
    if (!this.cloudInitSupported)
      throw new VcError(
        404,
        'NOT_FOUND',
        'Not found: PUT /api/vcenter/vm/{vm}/guest/customization',
        'vapi.std.errors.not_found',
      );
    const cloud = (body as { spec?: { configuration_spec?: { cloud_config?: unknown } } } | null)?.spec
      ?.configuration_spec?.cloud_config as
      | { type?: unknown; cloudinit?: { userdata?: unknown; metadata?: unknown } }
      | undefined;
    if (cloud?.type !== 'CLOUDINIT' || typeof cloud.cloudinit?.userdata !== 'string')
      throw invalid(
        "Invalid value for field 'spec.configuration_spec': a CLOUDINIT cloud_config with userdata.",
      );
    if (vm.power !== 'POWERED_OFF')
      throw new VcError(
        400,
        'NOT_ALLOWED_IN_CURRENT_STATE',
        'The virtual machine must be powered off to be customized.',
        'com.vmware.api.vcenter.vm.guest.customization.invalid_power_state',
      );
    this.cloudInit.set(vm.vm, {
      userdata: cloud.cloudinit.userdata,
      metadata: typeof cloud.cloudinit.metadata === 'string' ? cloud.cloudinit.metadata : '',
    });
  }
}
