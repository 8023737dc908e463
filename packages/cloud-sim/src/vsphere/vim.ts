// The emulated vCenter's VI/JSON API (`/sdk/vim25/{release}/{Type}/{moId}/{method or property}`,
// vSphere 8.0 U1+): sessions from SessionManager's Login, the VM properties the driver reads
// (`snapshot`, `runtime`), a host's `summary`, snapshots taken, reverted to and removed by
// tasks that run a while and are read at `Task/{id}/info`, and faults as vSphere serializes
// them (`_typeName`, `faultMessage`), answered with HTTP 500.

import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../common/server';
import { type SimVm, VcError, type VcInventory } from './inventory';

/** The releases the emulator answers under; vCenter answers older release paths too. */
const RELEASES = new Set(['8.0.1.0', '8.0.2.0', '8.0.3.0']);

export interface SimSnapshot {
  id: string;
  vm: string;
  name: string;
  description: string;
  createTime: string;
  parent: string | null;
  /** What a revert brings back: the VM's power state (with its memory) and its hardware. */
  state: 'poweredOn' | 'poweredOff';
  cpus: number;
  coresPerSocket: number;
  memoryMb: number;
}

export interface SimTask {
  id: string;
  vm: string;
  method: string;
  state: 'running' | 'success' | 'error';
  queued: string;
  completed?: string;
  result?: unknown;
  error?: { type: string; message: string };
}

export class VimFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 500,
  ) {
    super(message);
  }
}

const moref = (type: string, value: string) => ({ _typeName: 'ManagedObjectReference', type, value });

const faultBody = (f: { type: string; message: string; extra?: Record<string, unknown> }) => ({
  _typeName: f.type,
  faultCause: null,
  faultMessage: [{ _typeName: 'LocalizableMessage', key: `vim.fault.${f.type}`, message: f.message }],
  ...f.extra,
});

const notFound = (type: string, id: string) =>
  new VimFault(
    'ManagedObjectNotFound',
    `The object '${type}:${id}' has already been deleted or has not been completely created`,
    {
      obj: moref(type, id),
    },
  );

const POWER = { POWERED_ON: 'poweredOn', POWERED_OFF: 'poweredOff', SUSPENDED: 'suspended' } as const;

export class VimApi {
  readonly snapshots = new Map<string, SimSnapshot>();
  /** Each VM's current snapshot: where the next one hangs, and what a revert last brought back. */
  readonly current = new Map<string, string>();
  readonly tasks = new Map<string, SimTask>();
  /** While true, tasks keep running (a test's way to have two at once). */
  holdTasks = false;
  private readonly sessions = new Map<string, { username: string; readOnly: boolean }>();
  private next = 1;

  constructor(
    private readonly inventory: VcInventory,
    private readonly users: Map<string, { username: string; password: string; readOnly?: boolean }>,
    /** How long a task runs before it ends. */
    private readonly taskMs: number,
  ) {}

  expireSessions(): void {
    this.sessions.clear();
  }

  /** A VM's snapshots in the order they were taken. */
  snapshotsOf(vm: string): SimSnapshot[] {
    return [...this.snapshots.values()].filter((s) => s.vm === vm);
  }

  handle(req: SimRequest, log: { user: string | null }): SimResponse {
    try {
      return this.route(req, log);
    } catch (err) {
      if (err instanceof VcError) throw err;
      if (!(err instanceof VimFault)) throw err;
      return json(err.status, faultBody({ type: err.type, message: err.message, extra: err.extra }));
    }
  }

  private route(req: SimRequest, log: { user: string | null }): SimResponse {
    const m = /^\/sdk\/vim25\/([^/]+)\/([A-Za-z]+)\/([^/]+)\/([A-Za-z_]+)$/.exec(req.url.pathname);
    if (!m || !RELEASES.has(m[1]!))
      throw new VimFault('InvalidRequest', `Unknown path ${req.url.pathname}`, {}, 404);
    const [, , type, rawId, member] = m as unknown as [string, string, string, string, string];
    const id = decodeURIComponent(rawId);
    if (type === 'SessionManager' && member === 'Login' && req.method === 'POST') return this.login(req, log);
    const sessionId = req.headers['vmware-api-session-id'];
    const session = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (!session)
      throw new VimFault('NotAuthenticated', 'The session is not authenticated.', {
        privilegeId: 'System.View',
      });
    log.user = session.username;
    const write = (privilege: string) => {
      if (session.readOnly)
        throw new VimFault('NoPermission', `Permission to perform this operation was denied.`, {
          privilegeId: privilege,
        });
    };
    if (req.method === 'GET') return json(200, this.property(type, id, member));
    if (req.method !== 'POST')
      throw new VimFault('InvalidRequest', `${req.method} is not supported here`, {}, 405);
    const body = parse(req);
    if (type === 'VirtualMachine' && member === 'CreateSnapshot_Task') {
      write('VirtualMachine.State.CreateSnapshot');
      return json(200, this.createSnapshot(this.vm(id), body));
    }
    if (type === 'VirtualMachine' && member === 'Rename_Task') {
      write('VirtualMachine.Config.Rename');
      return json(200, this.rename(this.vm(id), body));
    }
    if (type === 'VirtualMachineSnapshot' && member === 'RevertToSnapshot_Task') {
      write('VirtualMachine.State.RevertToSnapshot');
      return json(200, this.revert(this.snapshot(id), body));
    }
    if (type === 'VirtualMachineSnapshot' && member === 'RemoveSnapshot_Task') {
      write('VirtualMachine.State.RemoveSnapshot');
      return json(200, this.remove(this.snapshot(id), body));
    }
    throw new VimFault('MethodNotFound', `The method ${member} is not found on ${type}.`, { method: member });
  }

  private login(req: SimRequest, log: { user: string | null }): SimResponse {
    const body = parse(req);
    const user = this.users.get(String(body.userName ?? ''));
    if (!user || user.password !== body.password)
      throw new VimFault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
    const id = randomBytes(16).toString('hex');
    this.sessions.set(id, { username: user.username, readOnly: user.readOnly === true });
    log.user = user.username;
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'vmware-api-session-id': id },
      body: JSON.stringify({
        _typeName: 'UserSession',
        key: id,
        userName: user.username,
        fullName: user.username,
      }),
    };
  }

  private vm(id: string): SimVm {
    const vm = this.inventory.vms.get(id);
    if (!vm) throw notFound('VirtualMachine', id);
    return vm;
  }

  private snapshot(id: string): SimSnapshot {
    const snap = this.snapshots.get(id);
    if (!snap || !this.inventory.vms.has(snap.vm)) throw notFound('VirtualMachineSnapshot', id);
    return snap;
  }

  private property(type: string, id: string, name: string): unknown {
    if (type === 'VirtualMachine') {
      const vm = this.vm(id);
      if (name === 'snapshot') return this.snapshotInfo(vm);
      if (name === 'runtime')
        return {
          _typeName: 'VirtualMachineRuntimeInfo',
          host: moref('HostSystem', vm.host),
          connectionState: 'connected',
          powerState: POWER[vm.power],
        };
    }
    if (type === 'HostSystem' && name === 'summary') {
      const host = this.inventory.hosts.find((h) => h.host === id);
      if (!host) throw notFound('HostSystem', id);
      return {
        _typeName: 'HostListSummary',
        host: moref('HostSystem', host.host),
        hardware: {
          _typeName: 'HostHardwareSummary',
          vendor: 'Emulated',
          model: 'vCenter emulator host',
          memorySize: host.memoryMb * 1024 ** 2,
          numCpuPkgs: 1,
          numCpuCores: Math.max(1, host.cpuThreads / 2),
          numCpuThreads: host.cpuThreads,
        },
        config: { _typeName: 'HostConfigSummary', name: host.name, port: 443 },
        overallStatus: 'green',
      };
    }
    if (type === 'Task' && name === 'info') return this.taskInfo(id);
    if (!['VirtualMachine', 'HostSystem', 'Task'].includes(type)) throw notFound(type, id);
    throw new VimFault('InvalidProperty', `The property ${name} is not found on ${type}.`, { name });
  }

  private snapshotInfo(vm: SimVm) {
    const own = this.snapshotsOf(vm.vm);
    // Unset when the VM has no snapshot, as vSphere leaves it.
    if (own.length === 0) return null;
    const tree = (parent: string | null): unknown[] =>
      own
        .filter((s) => s.parent === parent)
        .map((s) => ({
          _typeName: 'VirtualMachineSnapshotTree',
          snapshot: moref('VirtualMachineSnapshot', s.id),
          vm: moref('VirtualMachine', vm.vm),
          name: s.name,
          description: s.description,
          id: Number(s.id.slice('snapshot-'.length)),
          createTime: s.createTime,
          state: s.state,
          quiesced: false,
          childSnapshotList: tree(s.id),
        }));
    const current = this.current.get(vm.vm);
    return {
      _typeName: 'VirtualMachineSnapshotInfo',
      ...(current ? { currentSnapshot: moref('VirtualMachineSnapshot', current) } : {}),
      rootSnapshotList: tree(null),
    };
  }

  private taskInfo(id: string) {
    const t = this.tasks.get(id);
    if (!t) throw notFound('Task', id);
    return {
      _typeName: 'TaskInfo',
      key: t.id,
      task: moref('Task', t.id),
      descriptionId: t.method,
      entity: moref('VirtualMachine', t.vm),
      state: t.state,
      cancelled: false,
      cancelable: false,
      queueTime: t.queued,
      ...(t.completed ? { completeTime: t.completed } : {}),
      ...(t.result !== undefined ? { result: t.result } : {}),
      ...(t.error
        ? {
            error: {
              _typeName: 'LocalizedMethodFault',
              fault: faultBody({ type: t.error.type, message: t.error.message }),
              localizedMessage: t.error.message,
            },
          }
        : {}),
    };
  }

  /**
   * Starts a task on `vm` that ends after `taskMs`, then does `work` (what it returns is the
   * result; a VimFault it throws is the task's error). A VM runs one such task at a time.
   */
  private task(vm: string, method: string, work: () => unknown) {
    const id = `task-${this.next++}`;
    const t: SimTask = { id, vm, method, state: 'running', queued: new Date().toISOString() };
    const busy = [...this.tasks.values()].some((o) => o.vm === vm && o.state === 'running');
    this.tasks.set(id, t);
    const finish = () => {
      if (this.holdTasks) {
        setTimeout(finish, this.taskMs).unref();
        return;
      }
      try {
        if (busy) throw new VimFault('TaskInProgress', 'Another task is already in progress.');
        t.result = work();
        t.state = 'success';
      } catch (err) {
        if (!(err instanceof VimFault)) throw err;
        t.error = { type: err.type, message: err.message };
        t.state = 'error';
      }
      t.completed = new Date().toISOString();
    };
    setTimeout(finish, this.taskMs).unref();
    if (this.tasks.size > 1000) this.tasks.delete(this.tasks.keys().next().value!);
    return moref('Task', id);
  }

  /** vCenter keeps names unique within a folder (here, the one VM folder) and at most 80 characters. */
  private rename(vm: SimVm, body: Record<string, unknown>) {
    const name = body.newName;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 80)
      throw new VimFault('InvalidName', `The name '${String(name)}' is invalid.`, { name: String(name) });
    return this.task(vm.vm, 'Rename_Task', () => {
      const taken = [...this.inventory.vms.values()].some((o) => o.vm !== vm.vm && o.name === name);
      if (taken) throw new VimFault('DuplicateName', `The name '${name}' already exists.`, { name });
      vm.name = name;
    });
  }

  private createSnapshot(vm: SimVm, body: Record<string, unknown>) {
    const name = body.name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 80)
      throw new VimFault('InvalidName', `The name '${String(name)}' is invalid.`, { name: String(name) });
    if (typeof body.memory !== 'boolean' || typeof body.quiesce !== 'boolean')
      throw new VimFault('InvalidArgument', 'A specified parameter was not correct: memory, quiesce', {
        invalidProperty: typeof body.memory !== 'boolean' ? 'memory' : 'quiesce',
      });
    const withMemory = body.memory === true;
    return this.task(vm.vm, 'VirtualMachine.createSnapshot', () => {
      const current = this.inventory.vms.get(vm.vm);
      if (!current) throw notFound('VirtualMachine', vm.vm);
      if (withMemory && current.power === 'SUSPENDED')
        throw new VimFault(
          'InvalidPowerState',
          'The attempted operation cannot be performed in the current state (Suspended).',
        );
      const id = `snapshot-${this.next++}`;
      this.snapshots.set(id, {
        id,
        vm: vm.vm,
        name,
        description: typeof body.description === 'string' ? body.description : '',
        createTime: new Date().toISOString(),
        parent: this.current.get(vm.vm) ?? null,
        state: withMemory && current.power === 'POWERED_ON' ? 'poweredOn' : 'poweredOff',
        cpus: current.cpus,
        coresPerSocket: current.coresPerSocket,
        memoryMb: current.memoryMb,
      });
      this.current.set(vm.vm, id);
      return moref('VirtualMachineSnapshot', id);
    });
  }

  private revert(snap: SimSnapshot, body: Record<string, unknown>) {
    return this.task(snap.vm, 'vm.Snapshot.revert', () => {
      const vm = this.vm(snap.vm);
      if (!this.snapshots.has(snap.id)) throw notFound('VirtualMachineSnapshot', snap.id);
      Object.assign(vm, { cpus: snap.cpus, coresPerSocket: snap.coresPerSocket, memoryMb: snap.memoryMb });
      vm.power = snap.state === 'poweredOn' && body.suppressPowerOn !== true ? 'POWERED_ON' : 'POWERED_OFF';
      this.current.set(vm.vm, snap.id);
      return undefined;
    });
  }

  private remove(snap: SimSnapshot, body: Record<string, unknown>) {
    if (typeof body.removeChildren !== 'boolean')
      throw new VimFault('InvalidArgument', 'A specified parameter was not correct: removeChildren', {
        invalidProperty: 'removeChildren',
      });
    const withChildren = body.removeChildren;
    return this.task(snap.vm, 'vm.Snapshot.remove', () => {
      if (!this.snapshots.has(snap.id)) throw notFound('VirtualMachineSnapshot', snap.id);
      const drop = (id: string) => {
        for (const child of [...this.snapshots.values()].filter((s) => s.parent === id)) {
          if (withChildren) drop(child.id);
          else child.parent = snap.parent;
        }
        this.snapshots.delete(id);
        if (this.current.get(snap.vm) === id) {
          if (snap.parent) this.current.set(snap.vm, snap.parent);
          else this.current.delete(snap.vm);
        }
      };
      drop(snap.id);
      return undefined;
    });
  }
}

const json = (status: number, body: unknown): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function parse(req: SimRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    throw new VimFault('InvalidRequest', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new VimFault('InvalidRequest', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
