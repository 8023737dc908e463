// An emulator of the vCenter Server REST API (`/api`, vSphere 7.0 U2+) over HTTPS with a
// certificate its own CA signed (as vCenter's VMCA does, which nothing else trusts): sessions
// from `POST /api/session` with basic auth, sent back as `vmware-api-session-id`; the inventory
// lists with their filters and their 4,000-VM refusal; power actions; guest identity; console
// tickets; CPU and memory changes with their hot-plug rules; a content library of VM templates to
// deploy from, with cloud-init customization (library.ts); portgroups and opaque networks with
// the VMs' adapters on them (networks.ts); errors as vSphere's
// `{ error_type, messages }`. Beside it, the VI/JSON API under `/sdk/vim25/` (vim.ts): snapshots
// by tasks, a VM's host and a host's hardware.

import { randomBytes, X509Certificate } from 'node:crypto';
import {
  type Fault,
  type RunningSim,
  type SimKnobs,
  type SimRequest,
  type SimResponse,
  startSimServer,
} from '../common/server';
import { RateLimiter } from '../digitalocean/rate-limit';
import { makeTlsMaterial } from '../docker/tls';
import { type SimVm, VcError, VcInventory } from './inventory';
import { ContentLibrary, type DeploySpec } from './library';
import { VimApi } from './vim';

export { type SimVm, VcError, VcInventory } from './inventory';
export { ContentLibrary } from './library';
export { type SimSnapshot, VimApi } from './vim';

export interface VsphereSimOptions {
  port?: number;
  host?: string;
  /** ESXi hosts: all but the last in one cluster. Default 3. */
  hosts?: number;
  machines?: number;
  namePrefix?: string;
  /** SSO users. A read-only one may look but not act. */
  users?: Array<{ username: string; password: string; readOnly?: boolean }>;
  /** VMs one `GET /api/vcenter/vm` may answer before it refuses; vCenter's is 4,000. */
  listLimit?: number;
  /** A request budget per session: stands for the proxy in front of vCenter (429 with Retry-After). */
  rateLimit?: { limit: number; windowMs: number };
  knobs?: SimKnobs;
  /** How long a VM deployed powered on takes to come up. Default 500 ms. */
  bootMs?: number;
  /** How long a VI/JSON task (a snapshot taken, reverted, removed) runs. Default 50 ms. */
  taskMs?: number;
}

export interface VsphereSim extends RunningSim {
  readonly inventory: VcInventory;
  readonly library: ContentLibrary;
  /** The VI/JSON API's state: snapshots and tasks. */
  readonly vim: VimApi;
  /** SHA-256 of the served certificate, uppercase hex pairs with colons. */
  readonly fingerprint: string;
  /** Every request: method, path and the user behind it (null before a session). */
  readonly requestLog: Array<{ method: string; path: string; user: string | null }>;
  /** Forgets every session, as vCenter's idle timeout or a restart does. */
  expireSessions(): void;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const errorBody = (type: string, message: string, id: string) => ({
  error_type: type,
  messages: [{ args: [], default_message: message, id }],
});

const failure = (err: VcError, headers: Record<string, string> = {}) =>
  json(err.status, errorBody(err.type, err.message, err.id), headers);

const UNAUTHENTICATED = () =>
  new VcError(
    401,
    'UNAUTHENTICATED',
    'Authentication required.',
    'com.vmware.vapi.endpoint.method.authentication.required',
  );

function renderFault(fault: Fault): SimResponse {
  const headers: Record<string, string> =
    fault.status === 429 || fault.retryAfterSeconds !== undefined
      ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) }
      : {};
  if (fault.status === 429) return json(429, { error: 'Too Many Requests' }, headers);
  if (fault.status === 503)
    return failure(
      new VcError(
        503,
        'SERVICE_UNAVAILABLE',
        'The service is unavailable. Try again later.',
        'vapi.std.errors.service_unavailable',
      ),
      headers,
    );
  return failure(
    new VcError(fault.status, 'ERROR', 'A general system error occurred.', 'vapi.std.errors.error'),
  );
}

export async function startVsphereSim(options: VsphereSimOptions = {}): Promise<VsphereSim> {
  const inventory = new VcInventory(options.hosts ?? 3);
  inventory.seed(options.machines ?? 0, options.namePrefix ?? 'vm');
  const library = new ContentLibrary(inventory, options.bootMs ?? 500);
  const users = new Map((options.users ?? []).map((u) => [u.username, u]));
  const vim = new VimApi(inventory, users, options.taskMs ?? 50);
  const sessions = new Map<string, { username: string; readOnly: boolean }>();
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
  const listLimit = options.listLimit ?? 4000;
  const tls = makeTlsMaterial('vcenter-sim');
  const requestLog: VsphereSim['requestLog'] = [];

  const handler = (req: SimRequest): SimResponse => {
    const path = req.url.pathname;
    const logged = { method: req.method, path: path + req.url.search, user: null as string | null };
    requestLog.push(logged);
    if (requestLog.length > 10_000) requestLog.splice(0, requestLog.length - 10_000);
    try {
      if (path.startsWith('/sdk/vim25/')) return vim.handle(req, logged);
      if (path === '/api/session' && req.method === 'POST') {
        const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const [username, ...rest] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
        const user = users.get(username ?? '');
        if (!user || user.password !== rest.join(':')) throw UNAUTHENTICATED();
        const id = randomBytes(16).toString('hex');
        sessions.set(id, { username: user.username, readOnly: user.readOnly === true });
        logged.user = user.username;
        return json(201, id);
      }
      const sessionId = req.headers['vmware-api-session-id'];
      const session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!session) throw UNAUTHENTICATED();
      logged.user = session.username;
      if (limiter) {
        const budget = limiter.take(String(sessionId));
        if (!budget.allowed)
          return json(429, { error: 'Too Many Requests' }, { 'retry-after': String(budget.retryAfterS) });
      }
      if (path === '/api/session') {
        if (req.method === 'DELETE') {
          sessions.delete(String(sessionId));
          return { status: 204 };
        }
        if (req.method === 'GET')
          return json(200, { user: session.username, created_time: new Date().toISOString() });
      }
      const act = () => {
        if (session.readOnly)
          throw new VcError(
            403,
            'UNAUTHORIZED',
            'Permission to perform this operation was denied.',
            'vapi.std.errors.unauthorized',
          );
      };
      return route(req, inventory, library, act, listLimit);
    } catch (err) {
      if (err instanceof VcError) return failure(err);
      throw err;
    }
  };

  const server = await startSimServer(handler, renderFault, {
    port: options.port,
    host: options.host,
    knobs: options.knobs,
    tls: { key: tls.serverKey, cert: tls.serverCert },
  });
  return {
    ...server,
    inventory,
    library,
    vim,
    fingerprint: new X509Certificate(tls.serverCert).fingerprint256,
    requestLog,
    expireSessions: () => {
      sessions.clear();
      vim.expireSessions();
    },
  };
}

const many = (q: URLSearchParams, key: string): string[] | null => {
  const all = q
    .getAll(key)
    .flatMap((v) => v.split(','))
    .filter(Boolean);
  return all.length > 0 ? all : null;
};

function bodyOf(req: SimRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    throw new VcError(400, 'INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
}

function route(
  req: SimRequest,
  inv: VcInventory,
  library: ContentLibrary,
  act: () => void,
  listLimit: number,
): SimResponse {
  const { method } = req;
  const path = req.url.pathname;
  const q = req.url.searchParams;
  if (method === 'GET' && path === '/api/content/library')
    return json(
      200,
      library.libraries.map((l) => l.id),
    );
  if (method === 'GET' && path === '/api/content/library/item') {
    const id = q.get('library_id') ?? '';
    if (!library.libraries.some((l) => l.id === id))
      throw new VcError(
        404,
        'NOT_FOUND',
        `Library with identifier ${id} does not exist.`,
        'vapi.std.errors.not_found',
      );
    return json(
      200,
      [...library.items.values()].filter((i) => i.libraryId === id).map((i) => i.id),
    );
  }
  const itemPath = /^\/api\/content\/library\/item\/([^/]+)$/.exec(path);
  if (method === 'GET' && itemPath)
    return json(200, library.itemView(library.item(decodeURIComponent(itemPath[1]!))));
  const deployPath = /^\/api\/vcenter\/vm-template\/library-items\/([^/]+)$/.exec(path);
  if (method === 'POST' && deployPath && q.get('action') === 'deploy') {
    act();
    const vm = library.deploy(decodeURIComponent(deployPath[1]!), bodyOf(req) as DeploySpec);
    return json(200, vm.vm);
  }
  if (method === 'GET' && path === '/api/vcenter/datacenter') return json(200, inv.datacenters);
  if (method === 'GET' && path === '/api/vcenter/cluster') return json(200, inv.clusters);
  if (method === 'GET' && path === '/api/vcenter/network') return json(200, inv.networks.filter(q));
  if (method === 'GET' && path === '/api/vcenter/datastore') return json(200, inv.datastoreList());
  if (method === 'GET' && path === '/api/vcenter/host') {
    const clusters = many(q, 'clusters');
    const datacenters = many(q, 'datacenters');
    return json(
      200,
      inv.hosts
        .filter((h) => !clusters || (h.cluster !== null && clusters.includes(h.cluster)))
        .filter((h) => !datacenters || datacenters.includes(h.datacenter))
        .map((h) => ({
          host: h.host,
          name: h.name,
          connection_state: 'CONNECTED',
          power_state: 'POWERED_ON',
        })),
    );
  }
  if (method === 'GET' && path === '/api/vcenter/vm') {
    const hosts = many(q, 'hosts');
    const clusters = many(q, 'clusters');
    const states = many(q, 'power_states');
    const names = many(q, 'names');
    const ids = many(q, 'vms');
    const clusterOf = new Map(inv.hosts.map((h) => [h.host, h.cluster]));
    const found = [...inv.vms.values()].filter(
      (v: SimVm) =>
        (!hosts || hosts.includes(v.host)) &&
        (!clusters || clusters.includes(clusterOf.get(v.host) ?? '')) &&
        (!states || states.includes(v.power)) &&
        (!names || names.includes(v.name)) &&
        (!ids || ids.includes(v.vm)),
    );
    // No pages: past the limit vCenter refuses the whole list and asks for filters.
    if (found.length > listLimit)
      throw new VcError(
        400,
        'UNABLE_TO_ALLOCATE_RESOURCE',
        'Too many virtual machines. Add more filter criteria to reduce the number.',
        'com.vmware.api.vcenter.vm.max_vms_exceeded',
      );
    return json(
      200,
      found.map((v) => inv.summary(v)),
    );
  }
  const vmPath = /^\/api\/vcenter\/vm\/([^/]+)(\/.*)?$/.exec(path);
  if (vmPath) {
    const vm = inv.get(decodeURIComponent(vmPath[1]!));
    const rest = vmPath[2] ?? '';
    if (rest === '' && method === 'GET') return json(200, inv.details(vm));
    if (rest === '' && method === 'DELETE') {
      act();
      inv.remove(vm);
      return { status: 204 };
    }
    if (rest === '/power' && method === 'GET') return json(200, { state: vm.power });
    if (rest === '/power' && method === 'POST') {
      act();
      inv.power(vm, q.get('action') ?? '');
      return { status: 204 };
    }
    if (rest === '/guest/identity' && method === 'GET') {
      if (vm.power !== 'POWERED_ON' || !vm.tools)
        throw new VcError(
          503,
          'SERVICE_UNAVAILABLE',
          'VMware Tools is not running in the virtual machine.',
          'com.vmware.api.vcenter.vm.guest.tools_not_running',
        );
      return json(200, {
        name: vm.guestOs,
        family: vm.guestOs.startsWith('WINDOWS') ? 'WINDOWS' : 'LINUX',
        full_name: {
          default_message: vm.guestOs.replace(/_64$/, ' (64-bit)'),
          id: 'vmsg.guestos.name',
          args: [],
        },
        host_name: vm.name,
        ip_address: vm.address,
      });
    }
    if (rest === '/hardware/cpu' || rest === '/hardware/memory') {
      const cpu = rest === '/hardware/cpu';
      if (method === 'GET') return json(200, cpu ? inv.cpuInfo(vm) : inv.memoryInfo(vm));
      if (method === 'PATCH') {
        act();
        const spec = bodyOf(req);
        if (!spec || typeof spec !== 'object' || Array.isArray(spec))
          throw new VcError(400, 'INVALID_ARGUMENT', 'The request body must be an UpdateSpec object.');
        if (cpu) inv.updateCpu(vm, spec as Record<string, unknown>);
        else inv.updateMemory(vm, spec as Record<string, unknown>);
        return { status: 204 };
      }
    }
    if (rest === '/guest/customization' && method === 'PUT') {
      act();
      library.customize(vm, bodyOf(req));
      return { status: 204 };
    }
    if (rest === '/console/tickets' && method === 'POST') {
      act();
      const type = String((bodyOf(req) as { type?: unknown } | null)?.type ?? '');
      if (type !== 'VMRC' && type !== 'WEBMKS')
        throw new VcError(400, 'INVALID_ARGUMENT', `Invalid value '${type}' for field 'type'.`);
      if (vm.power !== 'POWERED_ON')
        throw new VcError(400, 'NOT_ALLOWED_IN_CURRENT_STATE', 'Virtual machine is not powered on.');
      const ticket = randomBytes(12).toString('hex');
      return json(201, {
        ticket:
          type === 'VMRC'
            ? `vmrc://clone:cst-${ticket}@127.0.0.1:443/?moid=${vm.vm}`
            : `wss://127.0.0.1/ticket/${ticket}`,
      });
    }
  }
  throw new VcError(404, 'NOT_FOUND', `Not found: ${method} ${path}`, 'vapi.std.errors.not_found');
}
