// One emulated Proxmox VE cluster: nodes, their storages, guests (QEMU VMs and LXC containers)
// with their configs, and tasks. Long work runs in tasks whose effect falls due later, as on a
// real node; refusals are PveError with Proxmox's words.

import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { parsePublicKey } from '../digitalocean/ssh-keys';

/** An error answer: status, the message Proxmox puts in the status line, and per-parameter errors. */
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 "Parameter verification failed." naming each refused parameter. */
export const paramError = (errors: Record<string, string>) =>
  new PveError(400, 'Parameter verification failed.', errors);

export type GuestType = 'qemu' | 'lxc';

export interface SimGuest {
  vmid: number;
  type: GuestType;
  node: string;
  status: 'running' | 'stopped';
  template: boolean;
  /** The guest's config as `GET …/config` shows it (name or hostname, cores, memory, disks...). */
  config: Record<string, string | number>;
  /** The address its guest agent (or container) reports, in 127.0.0.0/8. */
  address: string;
  /** A QEMU guest whose agent is not running answers no addresses. */
  agentRunning: boolean;
  lock: string | null;
  startedAt: number | null;
  /** A guest that ignores ACPI: `shutdown` without forceStop fails after its timeout. */
  ignoresShutdown: boolean;
  /** Its snapshots, oldest first, each with the config it was taken with. */
  snapshots: SimSnapshot[];
  /** The snapshot the running state descends from (the `current` entry's parent). */
  parent: string | null;
  /** Changes a running VM takes only at its next start (cores, memory, sockets without hotplug). */
  pending: Record<string, string | number>;
}

export interface SimSnapshot {
  name: string;
  description: string;
  snaptime: number;
  /** Whether it holds the RAM of a running VM (a rollback then resumes it). */
  vmstate: boolean;
  parent: string | null;
  config: Record<string, string | number>;
}

export interface SimVolume {
  volid: string;
  node: string;
  vmid: number;
  sizeBytes: number;
}

export interface SimTask {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
  status: 'running' | 'stopped';
  exitstatus: string | null;
  log: string[];
}

export interface ClusterTiming {
  /** How long a power action takes. */
  actionDelayMs: number;
  /** How long a clone takes. */
  cloneDelayMs: number;
}

const GIB = 1024 ** 3;
const DNS_NAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const TAGS = /^[a-z0-9_][a-z0-9_\-+.]*(;[a-z0-9_][a-z0-9_\-+.]*)*$/i;
const DISK_SLOT = /^(scsi|virtio|sata|ide|mp)\d+$/;
const NUMERIC = new Set(['cores', 'sockets', 'memory']);
const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

export class PveCluster {
  readonly nodes: string[];
  readonly guests = new Map<number, SimGuest>();
  readonly volumes = new Map<string, SimVolume>();
  readonly tasks = new Map<string, SimTask>();
  /** Physical cores per node: qemu-server refuses to start a VM with more vCPUs than its node has. */
  readonly nodeCpus = new Map<string, number>();
  private readonly timeline = new Timeline();
  private pid = 0x1000;

  constructor(
    nodeCount: number,
    readonly timing: ClusterTiming,
  ) {
    this.nodes = Array.from({ length: Math.max(1, nodeCount) }, (_, i) => `pve${i + 1}`);
    for (const n of this.nodes) this.nodeCpus.set(n, 64);
  }

  settle(): void {
    this.timeline.settle();
  }

  node(name: string): string {
    if (!this.nodes.includes(name)) throw new PveError(500, `no such cluster node '${name}'`);
    return name;
  }

  private disk(node: string, vmid: number, n: number, gb: number, prefix = 'vm'): string {
    const volid = `local-lvm:${prefix}-${vmid}-disk-${n}`;
    this.volumes.set(volid, { volid, node, vmid, sizeBytes: gb * GIB });
    return `${volid},size=${gb}G`;
  }

  private add(
    g: Omit<
      SimGuest,
      | 'address'
      | 'lock'
      | 'startedAt'
      | 'ignoresShutdown'
      | 'agentRunning'
      | 'snapshots'
      | 'parent'
      | 'pending'
    >,
  ): SimGuest {
    const guest: SimGuest = {
      ...g,
      snapshots: [],
      parent: null,
      pending: {},
      address: machineAddress('proxmox', 'public', g.vmid),
      agentRunning: true,
      lock: null,
      startedAt: g.status === 'running' ? Date.now() : null,
      ignoresShutdown: false,
    };
    this.guests.set(g.vmid, guest);
    return guest;
  }

  /** Three templates, then `count` guests named `<prefix>-000000`...: every third a container, every tenth stopped. */
  seed(count: number, prefix: string): void {
    const first = this.nodes[0]!;
    this.add({
      vmid: 9000,
      type: 'qemu',
      node: first,
      status: 'stopped',
      template: true,
      config: {
        name: 'debian-12-cloud',
        cores: 1,
        memory: 1024,
        agent: '1',
        scsi0: this.disk(first, 9000, 0, 4, 'base'),
        ide2: 'local-lvm:cloudinit,media=cdrom',
        template: 1,
      },
    });
    this.add({
      vmid: 9001,
      type: 'qemu',
      node: first,
      status: 'stopped',
      template: true,
      config: {
        name: 'ubuntu-24.04-cloud',
        cores: 1,
        memory: 1024,
        agent: '1',
        scsi0: this.disk(first, 9001, 0, 4, 'base'),
        template: 1,
      },
    });
    this.add({
      vmid: 9100,
      type: 'lxc',
      node: first,
      status: 'stopped',
      template: true,
      config: {
        hostname: 'alpine-3.20',
        cores: 1,
        memory: 512,
        rootfs: this.disk(first, 9100, 0, 2, 'base'),
        template: 1,
      },
    });
    let vmid = 99;
    for (let i = 0; i < count; i++) {
      do vmid++;
      while (this.guests.has(vmid));
      const node = this.nodes[i % this.nodes.length]!;
      const type: GuestType = i % 3 === 2 ? 'lxc' : 'qemu';
      const name = `${prefix}-${String(i).padStart(6, '0')}`;
      const config: Record<string, string | number> = {
        cores: [1, 2, 2, 4][i % 4]!,
        memory: [1024, 2048, 4096, 8192][i % 4]!,
        ...(i % 2 === 0 ? { tags: 'prod' } : {}),
      };
      if (type === 'qemu') {
        config.name = name;
        config.agent = i % 5 === 4 ? '0' : '1';
        config.scsi0 = `${this.disk(node, vmid, 0, 32)},iothread=1`;
        config.ide2 = 'none,media=cdrom';
        if (i % 4 === 0) config.scsi1 = this.disk(node, vmid, 1, 100);
      } else {
        config.hostname = name;
        config.rootfs = this.disk(node, vmid, 0, 8);
      }
      config.net0 =
        type === 'qemu' ? 'virtio=BC:24:11:00:00:01,bridge=vmbr0' : 'name=eth0,bridge=vmbr0,ip=dhcp';
      this.add({ vmid, type, node, status: i % 10 === 9 ? 'stopped' : 'running', template: false, config });
    }
  }

  /** The guest at this node, path and VMID, refused as Proxmox does when its config file is elsewhere. */
  guest(node: string, type: GuestType, vmid: number): SimGuest {
    this.settle();
    this.node(node);
    const g = this.guests.get(vmid);
    if (!g || g.node !== node || g.type !== type) {
      const file = type === 'qemu' ? `qemu-server/${vmid}.conf` : `lxc/${vmid}.conf`;
      throw new PveError(500, `Configuration file 'nodes/${node}/${file}' does not exist`);
    }
    return g;
  }

  label = (g: SimGuest) => `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`;

  checkLock(g: SimGuest): void {
    if (g.lock) throw new PveError(500, `${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.lock})`);
  }

  nextId(): number {
    this.settle();
    let id = 100;
    while (this.guests.has(id)) id++;
    return id;
  }

  /** Starts a task; `work` runs when it falls due, and what it throws is the task's exit status. */
  task(node: string, type: string, id: string, user: string, delayMs: number, work: () => unknown): string {
    const starttime = Math.floor(Date.now() / 1000);
    this.pid += 1;
    const upid = `UPID:${node}:${hex8(this.pid)}:${hex8(this.pid * 7)}:${hex8(starttime)}:${type}:${id}:${user}:`;
    const task: SimTask = {
      upid,
      node,
      type,
      id,
      user,
      starttime,
      status: 'running',
      exitstatus: null,
      log: [],
    };
    this.tasks.set(upid, task);
    this.timeline.schedule(delayMs, () => {
      try {
        const lines = work();
        if (Array.isArray(lines)) task.log.push(...lines.map(String));
        task.exitstatus = 'OK';
        task.log.push('TASK OK');
      } catch (err) {
        task.exitstatus = (err as Error).message;
        task.log.push(`TASK ERROR: ${(err as Error).message}`);
      }
      task.status = 'stopped';
    });
    return upid;
  }

  getTask(node: string, upid: string): SimTask {
    this.settle();
    const task = this.tasks.get(upid);
    if (!task || task.node !== node) throw new PveError(500, `unable to parse worker upid '${upid}'`);
    return task;
  }

  power(g: SimGuest, command: string, params: Record<string, string>, user: string): string {
    this.checkLock(g);
    const kind = g.type === 'qemu' ? 'qm' : 'vz';
    const delay = this.timing.actionDelayMs;
    const label = this.label(g);
    switch (command) {
      case 'start':
        return this.task(g.node, `${kind}start`, String(g.vmid), user, delay, () => {
          if (g.status === 'running') throw new Error(`${label} already running`);
          const vcpus = Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1);
          const max = this.nodeCpus.get(g.node) ?? 64;
          if (g.type === 'qemu' && vcpus > max)
            throw new Error(`MAX ${max} vcpus allowed per VM on this node`);
          g.status = 'running';
          g.startedAt = Date.now();
        });
      case 'stop':
        return this.task(g.node, `${kind}stop`, String(g.vmid), user, delay, () => this.halted(g));
      case 'shutdown': {
        const force = params.forceStop === '1';
        const timeoutS = params.timeout === undefined ? 180 : Number(params.timeout);
        if (!Number.isInteger(timeoutS) || timeoutS < 0)
          throw paramError({ timeout: `type check ('integer') failed - got '${params.timeout}'` });
        const wait = g.ignoresShutdown ? Math.max(delay, timeoutS * 1000) : delay;
        return this.task(g.node, `${kind}shutdown`, String(g.vmid), user, wait, () => {
          if (g.status !== 'running') throw new Error(`${label} not running`);
          if (g.ignoresShutdown && !force) throw new Error('VM quit/powerdown failed');
          this.halted(g);
        });
      }
      case 'reboot':
        return this.task(g.node, `${kind}reboot`, String(g.vmid), user, delay, () => {
          if (g.status !== 'running') throw new Error(`${label} not running`);
          g.startedAt = Date.now();
        });
      default:
        throw new PveError(
          501,
          `Method 'POST /nodes/${g.node}/${g.type}/${g.vmid}/status/${command}' not implemented`,
        );
    }
  }

  /** A guest that stopped: what was pending for its next start is its config now. */
  halted(g: SimGuest): void {
    g.status = 'stopped';
    g.startedAt = null;
    Object.assign(g.config, g.pending);
    g.pending = {};
  }

  clone(g: SimGuest, params: Record<string, string>, user: string): string {
    const errors: Record<string, string> = {};
    const newid = Number(params.newid);
    if (params.newid === undefined) errors.newid = 'property is missing and it is not optional';
    else if (!/^\d+$/.test(params.newid) || newid < 100 || newid > 999_999_999)
      errors.newid = `invalid format - value does not look like a valid VM ID`;
    const nameKey = g.type === 'qemu' ? 'name' : 'hostname';
    const name = params[nameKey];
    if (name !== undefined && !DNS_NAME.test(name))
      errors[nameKey] = 'invalid format - value does not look like a valid DNS name';
    const target = params.target ?? g.node;
    if (!this.nodes.includes(target)) errors.target = `no such cluster node '${target}'`;
    if (Object.keys(errors).length > 0) throw paramError(errors);
    this.checkLock(g);
    if (this.guests.has(newid))
      throw new PveError(500, `unable to create VM ${newid}: config file already exists`);
    if (!g.template && params.full === '0')
      throw new PveError(500, "Linked clone feature is not supported for drive 'scsi0'");
    const config: Record<string, string | number> = {};
    let n = 0;
    for (const [k, v] of Object.entries(g.config)) {
      if (k === 'template') continue;
      if ((DISK_SLOT.test(k) || k === 'rootfs') && typeof v === 'string' && !v.includes('media=cdrom')) {
        const size = /size=(\d+)G/.exec(v)?.[1] ?? '8';
        config[k] =
          this.disk(target, newid, n++, Number(size)) + v.slice(v.indexOf(',')).replace(/,size=\d+G/, '');
      } else config[k] = v;
    }
    if (name !== undefined) config[nameKey] = name;
    const made = this.add({
      vmid: newid,
      type: g.type,
      node: target,
      status: 'stopped',
      template: false,
      config,
    });
    made.lock = 'clone';
    return this.task(
      g.node,
      g.type === 'qemu' ? 'qmclone' : 'vzclone',
      String(g.vmid),
      user,
      this.timing.cloneDelayMs,
      () => {
        made.lock = null;
        return [`create full clone of drive scsi0 (local-lvm:base-${g.vmid}-disk-0)`];
      },
    );
  }

  destroy(g: SimGuest, user: string): string {
    this.checkLock(g);
    if (g.status === 'running') throw new PveError(500, `${this.label(g)} is running - destroy failed`);
    g.lock = 'destroyed';
    return this.task(
      g.node,
      g.type === 'qemu' ? 'qmdestroy' : 'vzdestroy',
      String(g.vmid),
      user,
      this.timing.actionDelayMs,
      () => {
        for (const [volid, v] of this.volumes) if (v.vmid === g.vmid) this.volumes.delete(volid);
        this.guests.delete(g.vmid);
      },
    );
  }

  /** When set, every config update is refused with this message (a storage gone, a lock held elsewhere). */
  refuseConfigUpdates: string | null = null;

  /** `PUT …/config`: applied at once, as Proxmox does for a synchronous update. */
  updateConfig(g: SimGuest, params: Record<string, string>): void {
    if (this.refuseConfigUpdates) throw new PveError(500, this.refuseConfigUpdates);
    const errors: Record<string, string> = {};
    const allowed = new Set(
      g.type === 'qemu'
        ? [
            'name',
            'cores',
            'sockets',
            'memory',
            'tags',
            'sshkeys',
            'delete',
            'agent',
            'description',
            'digest',
          ]
        : ['hostname', 'cores', 'memory', 'tags', 'delete', 'description', 'digest'],
    );
    for (const [k, v] of Object.entries(params)) {
      if (DISK_SLOT.test(k) && (g.type === 'qemu' ? !k.startsWith('mp') : k.startsWith('mp'))) continue;
      if (!allowed.has(k))
        errors[k] = 'property is not defined in schema and the schema does not allow additional properties';
      else if (NUMERIC.has(k) && !/^\d+$/.test(v)) errors[k] = `type check ('integer') failed - got '${v}'`;
      else if ((k === 'name' || k === 'hostname') && !DNS_NAME.test(v))
        errors[k] = 'invalid format - value does not look like a valid DNS name';
      else if (k === 'tags' && v !== '' && !TAGS.test(v))
        errors[k] = `invalid format - invalid characters in tag '${v}'`;
      else if (k === 'sshkeys' && !validKeys(v)) errors[k] = 'invalid urlencoded string: ' + v.slice(0, 40);
    }
    if (params.memory && Number(params.memory) < 16) errors.memory = 'value must have a minimum value of 16';
    if (params.cores && (Number(params.cores) < 1 || Number(params.cores) > 512))
      errors.cores = 'value must have a minimum value of 1';
    if (params.sockets && (Number(params.sockets) < 1 || Number(params.sockets) > 4))
      errors.sockets = 'value must have a minimum value of 1';
    if (Object.keys(errors).length > 0) throw paramError(errors);
    this.checkLock(g);
    // Work out every change before applying any: a refused update changes nothing.
    const next = { ...g.config };
    const removed: string[] = [];
    for (const key of (params.delete ?? '').split(/[,;\s]+/).filter(Boolean)) {
      const value = next[key];
      if (value === undefined) continue;
      if (key === 'rootfs') throw new PveError(500, "unable to delete required option 'rootfs'");
      if (DISK_SLOT.test(key) && typeof value === 'string' && !value.includes('media=cdrom')) {
        let n = 0;
        while (`unused${n}` in next) n++;
        next[`unused${n}`] = value.split(',')[0]!;
      }
      if (/^unused\d+$/.test(key)) removed.push(String(value));
      delete next[key];
    }
    for (const [k, v] of Object.entries(params)) {
      if (!DISK_SLOT.test(k)) continue;
      const volid = v.split(',')[0]!;
      if (!this.volumes.has(volid)) throw new PveError(500, `volume '${volid}' does not exist`);
      const unused = Object.entries(next).find(([key, val]) => /^unused\d+$/.test(key) && val === volid);
      if (unused) delete next[unused[0]];
      const size = Math.round(this.volumes.get(volid)!.sizeBytes / GIB);
      next[k] = v.includes('size=') ? v : `${v},size=${size}G`;
    }
    // Without CPU and memory hotplug (Proxmox's default), a running VM takes these at its next start.
    const pending: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) {
      if (k === 'delete' || k === 'digest' || DISK_SLOT.test(k)) continue;
      const value = NUMERIC.has(k) ? Number(v) : v;
      if (g.type === 'qemu' && g.status === 'running' && NUMERIC.has(k)) pending[k] = value;
      else next[k] = value;
    }
    g.config = next;
    Object.assign(g.pending, pending);
    for (const volid of removed) this.volumes.delete(volid);
  }
}

/** Proxmox takes `sshkeys` URL-encoded inside the form value: one OpenSSH key per line. */
function validKeys(encoded: string): boolean {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    return false;
  }
  if (text === encoded && /\s/.test(text.trim())) return false;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.every((l) => parsePublicKey(l) !== null);
}

export const guestName = (g: SimGuest) => String(g.config.name ?? g.config.hostname ?? '');
