import { randomBytes, randomUUID } from 'node:crypto';
import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { isObject, isoSeconds, type SimTiming } from '../common/token-api';
import { parsePublicKey } from '../digitalocean/ssh-keys';
import { OPERATING_SYSTEMS, PLANS, REGIONS, type VultrOs, type VultrPlan, type VultrRegion } from './catalog';
import { VultrDomains } from './domains';
import { vultrError } from './errors';
import { VultrNetworking } from './networks';
import { VultrSnapshots } from './snapshots';

export interface SimVultrInstance {
  id: string;
  label: string;
  hostname: string;
  status: 'pending' | 'active';
  powerStatus: 'running' | 'stopped';
  serverStatus: 'none' | 'installingbooting' | 'ok';
  plan: VultrPlan;
  os: VultrOs;
  region: VultrRegion;
  dateCreated: string;
  tags: string[];
  mainIp: string;
  sshKeyIds: string[];
  userData: string | null;
  /** A number per instance, for its loopback address. */
  serial: number;
  /** The snapshot it was last restored from: the emulator's record (Vultr shows none). */
  restoredFrom?: string;
  /** Its interface in each VPC it is attached to, by VPC id. */
  vpcs: Map<string, { ip: string; mac: string }>;
  /** The one firewall group it is in; '' for none. */
  firewallGroupId: string;
}

export interface SimVultrBlock {
  id: string;
  label: string;
  sizeGb: number;
  region: VultrRegion;
  attachedTo: string;
  status: 'pending' | 'active';
  dateCreated: string;
}

export interface SimVultrKey {
  id: string;
  name: string;
  sshKey: string;
}

export { vultrError };

const bad = (message: string) => vultrError(400, message);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,61}[a-zA-Z0-9])?$/;
/** Volume costs: Vultr's block storage is $0.10 per GB and month. */
export const BLOCK_PRICE_PER_GB = 0.1;

/** One Vultr account: everything its API key can see. */
export class VultrAccount {
  readonly instances = new Map<string, SimVultrInstance>();
  readonly blocks = new Map<string, SimVultrBlock>();
  readonly keys = new Map<string, SimVultrKey>();
  /** Every power command the account was sent, in order, for tests. */
  readonly history: Array<{ instanceId: string; command: string }> = [];
  private readonly timeline = new Timeline();
  private serial = 0;
  /** Domains and their records (/v2/domains). */
  readonly dns = new VultrDomains();
  /** Snapshots (/v2/snapshots); they finish after the action delay. */
  readonly snapshots = new VultrSnapshots({
    instance: (id) => this.instance(id),
    settle: () => this.timeline.settle(),
    later: (run) => this.timeline.schedule(this.timing.actionDelayMs, run),
  });
  /** VPCs and firewall groups; they change at once. */
  readonly net = new VultrNetworking({
    instance: (id) => this.instance(id),
    instances: () => this.instances.values(),
  });

  constructor(
    readonly email: string,
    readonly timing: SimTiming,
  ) {}

  /** Seeds `count` deterministic instances labelled `<prefix>-000000`...; every tenth is stopped. */
  seed(count: number, prefix: string): void {
    const epoch = Date.UTC(2024, 0, 1);
    for (let i = 0; i < count; i++) {
      const serial = ++this.serial;
      const label = `${prefix}-${String(i).padStart(6, '0')}`;
      const id = `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(i).padStart(12, '0')}`;
      this.instances.set(id, {
        id,
        label,
        hostname: label,
        status: 'active',
        powerStatus: i % 10 === 9 ? 'stopped' : 'running',
        serverStatus: 'ok',
        plan: PLANS[i % 3]!,
        os: OPERATING_SYSTEMS[i % OPERATING_SYSTEMS.length]!,
        region: REGIONS[i % REGIONS.length]!,
        dateCreated: isoSeconds(epoch + i * 60_000, '+00:00'),
        tags: i % 2 === 0 ? ['web', 'env:prod'] : [],
        mainIp: machineAddress('vultr', 'public', serial),
        sshKeyIds: [],
        userData: null,
        serial,
        vpcs: new Map(),
        firewallGroupId: '',
      });
    }
  }

  instance(id: string): SimVultrInstance {
    this.timeline.settle();
    const instance = this.instances.get(id);
    if (!instance) throw vultrError(404, 'Invalid instance-id.');
    return instance;
  }

  block(id: string): SimVultrBlock {
    this.timeline.settle();
    const block = this.blocks.get(id);
    if (!block) throw vultrError(404, 'Invalid block storage ID.');
    return block;
  }

  listInstances(): SimVultrInstance[] {
    this.timeline.settle();
    return [...this.instances.values()];
  }

  listBlocks(): SimVultrBlock[] {
    this.timeline.settle();
    return [...this.blocks.values()];
  }

  createInstance(body: unknown): { instance: SimVultrInstance; password: string } {
    if (!isObject(body)) throw bad('Invalid request body.');
    const region = REGIONS.find((r) => r.id === body.region);
    if (!region) throw bad('Invalid region chosen.');
    const plan = PLANS.find((p) => p.id === body.plan);
    if (!plan) throw bad('Invalid plan chosen.');
    if (!plan.locations.includes(region.id)) throw bad('Plan is not available in the selected location.');
    const os = OPERATING_SYSTEMS.find((o) => o.id === Number(body.os_id));
    if (!os) throw bad('Invalid OS chosen.');
    const label = body.label ?? '';
    if (typeof label !== 'string' || label.length > 255) throw bad('Invalid label.');
    const hostname = body.hostname ?? label;
    if (typeof hostname !== 'string' || (hostname !== '' && !HOSTNAME.test(hostname)))
      throw bad('Invalid hostname.');
    const tags = body.tags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t.length <= 255))
      throw bad('Invalid tags.');
    const keyIds = body.sshkey_id ?? [];
    if (!Array.isArray(keyIds) || !keyIds.every((k) => this.keys.has(String(k))))
      throw bad('Invalid SSH key.');
    let userData: string | null = null;
    if (body.user_data !== undefined) {
      if (typeof body.user_data !== 'string' || !BASE64.test(body.user_data)) throw bad('Invalid user_data.');
      userData = Buffer.from(body.user_data, 'base64').toString('utf8');
    }
    const serial = ++this.serial;
    const instance: SimVultrInstance = {
      id: randomUUID(),
      label,
      hostname: hostname || `vultr.guest`,
      status: 'pending',
      powerStatus: 'running',
      serverStatus: 'none',
      plan,
      os,
      region,
      dateCreated: isoSeconds(Date.now(), '+00:00'),
      tags: [...new Set(tags as string[])],
      mainIp: machineAddress('vultr', 'public', serial),
      sshKeyIds: keyIds.map(String),
      userData,
      serial,
      vpcs: new Map(),
      firewallGroupId: '',
    };
    this.instances.set(instance.id, instance);
    this.timeline.schedule(this.timing.bootDelayMs, () => {
      instance.status = 'active';
      instance.serverStatus = 'ok';
    });
    return { instance, password: randomBytes(12).toString('base64url') };
  }

  /** The plans an instance may move to: Vultr upgrades only, to a plan of its region as large or larger. */
  upgradePlans(id: string): VultrPlan[] {
    const { plan, region } = this.instance(id);
    return PLANS.filter(
      (p) =>
        p.id !== plan.id &&
        p.locations.includes(region.id) &&
        p.disk >= plan.disk &&
        p.ram >= plan.ram &&
        p.vcpu_count >= plan.vcpu_count,
    );
  }

  updateInstance(id: string, body: unknown): SimVultrInstance {
    const instance = this.instance(id);
    if (!isObject(body)) throw bad('Invalid request body.');
    if (body.plan !== undefined) {
      const plan = PLANS.find((p) => p.id === body.plan);
      if (!plan) throw bad('Invalid plan chosen.');
      if (instance.status === 'pending')
        throw bad('Unable to perform action: server is still being installed.');
      if (!this.upgradePlans(id).includes(plan))
        throw bad(`Unable to change plan: ${plan.id} is not an upgrade of ${instance.plan.id}.`);
      instance.plan = plan;
    }
    if (body.label !== undefined) {
      if (typeof body.label !== 'string' || body.label.length > 255) throw bad('Invalid label.');
      instance.label = body.label;
    }
    if (body.tags !== undefined) {
      if (!Array.isArray(body.tags) || !body.tags.every((t) => typeof t === 'string'))
        throw bad('Invalid tags.');
      instance.tags = body.tags as string[];
    }
    if (body.firewall_group_id !== undefined) this.net.setFirewallGroup(instance, body.firewall_group_id);
    return instance;
  }

  deleteInstance(id: string): void {
    this.instance(id);
    for (const b of this.blocks.values()) if (b.attachedTo === id) b.attachedTo = '';
    this.instances.delete(id);
  }

  /** start, halt, reboot. An instance still being installed refuses them. */
  power(id: string, command: 'start' | 'halt' | 'reboot'): void {
    const instance = this.instance(id);
    if (instance.status === 'pending')
      throw bad('Unable to perform action: server is still being installed.');
    this.history.push({ instanceId: id, command });
    const to = command === 'halt' ? 'stopped' : 'running';
    this.timeline.schedule(this.timing.actionDelayMs, () => {
      instance.powerStatus = to;
    });
  }

  /** Rewrites the instance's disk from one of the account's snapshots; it boots again after the action delay. */
  restore(id: string, body: unknown): string {
    const instance = this.instance(id);
    if (instance.status === 'pending')
      throw bad('Unable to perform action: server is still being installed.');
    const snapshot = this.snapshots.forRestore(body);
    this.history.push({ instanceId: id, command: 'restore' });
    instance.restoredFrom = snapshot.id;
    instance.serverStatus = 'installingbooting';
    this.timeline.schedule(this.timing.actionDelayMs, () => {
      instance.serverStatus = 'ok';
      instance.powerStatus = 'running';
    });
    return snapshot.id;
  }

  createBlock(body: unknown): SimVultrBlock {
    if (!isObject(body)) throw bad('Invalid request body.');
    const region = REGIONS.find((r) => r.id === body.region);
    if (!region) throw bad('Invalid region chosen.');
    const size = body.size_gb;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 10 || size > 40_000)
      throw bad('Invalid size_gb: must be between 10 and 40000.');
    const label = body.label ?? '';
    if (typeof label !== 'string' || label.length > 255) throw bad('Invalid label.');
    const block: SimVultrBlock = {
      id: randomUUID(),
      label,
      sizeGb: size,
      region,
      attachedTo: '',
      status: 'pending',
      dateCreated: isoSeconds(Date.now(), '+00:00'),
    };
    this.blocks.set(block.id, block);
    this.timeline.schedule(this.timing.bootDelayMs, () => {
      block.status = 'active';
    });
    return block;
  }

  attachBlock(id: string, body: unknown): void {
    const block = this.block(id);
    const instanceId = isObject(body) ? body.instance_id : undefined;
    if (typeof instanceId !== 'string') throw bad('Invalid instance_id.');
    const instance = this.instance(instanceId);
    if (block.attachedTo !== '') throw bad('Block storage is already attached to a server.');
    if (block.region.id !== instance.region.id)
      throw bad('Block storage and server must be in the same location.');
    block.attachedTo = instance.id;
  }

  detachBlock(id: string): void {
    const block = this.block(id);
    if (block.attachedTo === '') throw bad('Block storage is not attached to a server.');
    block.attachedTo = '';
  }

  deleteBlock(id: string): void {
    const block = this.block(id);
    if (block.attachedTo !== '') throw bad('Block storage must be detached before it can be deleted.');
    this.blocks.delete(id);
  }

  createKey(body: unknown): SimVultrKey {
    if (!isObject(body) || typeof body.name !== 'string' || body.name === '') throw bad('Invalid name.');
    if (!parsePublicKey(body.ssh_key)) throw bad('Invalid SSH key.');
    const key = { id: randomUUID(), name: body.name, sshKey: String(body.ssh_key).trim() };
    this.keys.set(key.id, key);
    return key;
  }
}
