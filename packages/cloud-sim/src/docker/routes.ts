import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DockerEngine,
  EngineError,
  normalizeRef,
  REGISTRY,
  type SimContainer,
  type SimEvent,
  type SimPort,
} from './model';
import { networkJson } from './networks';

// The Engine API's HTTP surface, versioned (/v1.47/...) or not, as dockerode and the docker CLI call it.

export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

export interface RouteContext {
  engine: DockerEngine;
  /** Delay between pull progress lines. */
  pullStepMs: number;
  /** Open /events responses, so the engine can drop them (tests of a lost stream). */
  eventStreams: Set<ServerResponse>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'api-version': API_VERSION, server: 'Docker/27.3.1 (linux)' };
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
  });
  res.end(text);
}

/** Splits "/v1.47/containers/json" into version "1.47" and path "/containers/json". */
export function splitVersion(path: string): { version: string | null; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
  return m ? { version: m[1] as string, path: m[2] as string } : { version: null, path };
}

const cmp = (a: string, b: string) => {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
};

export function checkVersion(version: string | null): void {
  if (version === null) return;
  if (cmp(version, API_VERSION) > 0) {
    throw new EngineError(
      400,
      `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  if (cmp(version, MIN_API_VERSION) < 0) {
    throw new EngineError(
      400,
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
}

const bool = (v: string | null) => v === '1' || v === 'true' || v === 'True';

function humanStatus(c: SimContainer): string {
  const since = (d: Date | null) => {
    const s = Math.max(1, Math.round((Date.now() - (d?.getTime() ?? Date.now())) / 1000));
    return s < 60
      ? `${s} seconds`
      : s < 3600
        ? `${Math.round(s / 60)} minutes`
        : `${Math.round(s / 3600)} hours`;
  };
  switch (c.status) {
    case 'running':
      return `Up ${since(c.startedAt)}`;
    case 'paused':
      return `Up ${since(c.startedAt)} (Paused)`;
    case 'exited':
      return `Exited (${c.exitCode}) ${since(c.finishedAt)} ago`;
    default:
      return c.status === 'created' ? 'Created' : c.status;
  }
}

function listPorts(c: SimContainer) {
  return c.ports.map((p) =>
    p.publicPort && (c.status === 'running' || c.status === 'paused')
      ? { IP: p.hostIp || '0.0.0.0', PrivatePort: p.privatePort, PublicPort: p.publicPort, Type: p.type }
      : { PrivatePort: p.privatePort, Type: p.type },
  );
}

function containerNetworks(c: SimContainer) {
  return Object.fromEntries(
    c.networkNames.map((name) => {
      const n = c.networks[name];
      return [
        name,
        {
          IPAMConfig: null,
          Links: null,
          Aliases: null,
          NetworkID: n?.networkId ?? '',
          EndpointID: n ? `ep${c.id.slice(0, 20)}` : '',
          Gateway: n?.gateway ?? '',
          IPAddress: n?.ip ?? '',
          IPPrefixLen: n ? 16 : 0,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          MacAddress: n?.mac ?? '',
        },
      ];
    }),
  );
}

function mounts(c: SimContainer) {
  return c.mounts.map((m) =>
    m.volume
      ? {
          Type: 'volume',
          Name: m.volume,
          Source: m.source,
          Destination: m.destination,
          Driver: 'local',
          Mode: 'z',
          RW: true,
          Propagation: '',
        }
      : {
          Type: 'bind',
          Source: m.source,
          Destination: m.destination,
          Mode: '',
          RW: true,
          Propagation: 'rprivate',
        },
  );
}

function summary(c: SimContainer) {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: c.imageId,
    Command: c.cmd.join(' '),
    Created: Math.floor(c.created.getTime() / 1000),
    Ports: listPorts(c),
    Labels: c.labels,
    State: c.status,
    Status: humanStatus(c),
    HostConfig: { NetworkMode: c.networkNames[0] ?? 'bridge' },
    NetworkSettings: { Networks: containerNetworks(c) },
    Mounts: mounts(c),
  };
}

function inspect(c: SimContainer) {
  const iso = (d: Date | null) => d?.toISOString() ?? '0001-01-01T00:00:00Z';
  const portMap: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const p of c.ports) {
    portMap[`${p.privatePort}/${p.type}`] =
      p.publicPort && c.status === 'running'
        ? [{ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.publicPort) }]
        : null;
  }
  return {
    Id: c.id,
    Created: c.created.toISOString(),
    Path: c.cmd[0] ?? '',
    Args: c.cmd.slice(1),
    State: {
      Status: c.status,
      Running: c.status === 'running' || c.status === 'paused',
      Paused: c.status === 'paused',
      Restarting: c.status === 'restarting',
      OOMKilled: false,
      Dead: c.status === 'dead',
      Pid: c.pid,
      ExitCode: c.exitCode,
      Error: '',
      StartedAt: iso(c.startedAt),
      FinishedAt: iso(c.finishedAt),
    },
    Image: c.imageId,
    Name: `/${c.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: {
      Binds: c.mounts.filter((m) => !m.anonymous).map((m) => `${m.volume ?? m.source}:${m.destination}`),
      NetworkMode: c.networkNames[0] ?? 'bridge',
      PortBindings: Object.fromEntries(
        c.ports
          .filter((p) => p.publicPort)
          .map((p) => [
            `${p.privatePort}/${p.type}`,
            [{ HostIp: p.hostIp ?? '', HostPort: String(p.publicPort) }],
          ]),
      ),
      RestartPolicy: c.restartPolicy,
    },
    Mounts: mounts(c),
    Config: {
      Hostname: c.id.slice(0, 12),
      Image: c.image,
      Cmd: c.cmd,
      Env: c.env,
      Labels: c.labels,
      Tty: false,
      OpenStdin: false,
      ExposedPorts: Object.fromEntries(c.ports.map((p) => [`${p.privatePort}/${p.type}`, {}])),
    },
    NetworkSettings: { Ports: portMap, Networks: containerNetworks(c) },
  };
}

function parsePorts(body: Record<string, unknown>): SimPort[] {
  const exposed = Object.keys((body.ExposedPorts as Record<string, unknown>) ?? {});
  const bindings = ((body.HostConfig as Record<string, unknown>)?.PortBindings ?? {}) as Record<
    string,
    { HostIp?: string; HostPort?: string }[] | null
  >;
  const keys = new Set([...exposed, ...Object.keys(bindings)]);
  return [...keys].map((key) => {
    const [port = '', type = 'tcp'] = key.split('/');
    const privatePort = Number(port);
    if (!Number.isInteger(privatePort) || privatePort < 1 || privatePort > 65535) {
      throw new EngineError(400, `invalid port specification: "${key}"`);
    }
    const bind = bindings[key]?.[0];
    const publicPort = bind?.HostPort ? Number(bind.HostPort) : undefined;
    if (publicPort !== undefined && (!Number.isInteger(publicPort) || publicPort < 1 || publicPort > 65535)) {
      throw new EngineError(400, `invalid port specification: "${bind?.HostPort}"`);
    }
    return {
      privatePort,
      type: type === 'udp' ? 'udp' : 'tcp',
      publicPort,
      hostIp: bind?.HostIp || undefined,
    };
  });
}

function readJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new EngineError(400, 'invalid JSON: the request body is not a JSON object');
  }
}

async function pull(ctx: RouteContext, res: ServerResponse, url: URL): Promise<void> {
  const from = url.searchParams.get('fromImage') ?? '';
  const tag = url.searchParams.get('tag');
  const ref = normalizeRef(tag && !from.includes(':') ? `${from}:${tag}` : from);
  const known = REGISTRY[ref];
  if (!known) {
    const repo = ref.slice(0, ref.lastIndexOf(':'));
    throw new EngineError(
      404,
      `pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
    );
  }
  res.writeHead(200, { 'content-type': 'application/json', 'api-version': API_VERSION });
  const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
  const name = ref.slice(0, ref.lastIndexOf(':'));
  line({ status: `Pulling from library/${name}`, id: ref.slice(ref.lastIndexOf(':') + 1) });
  const layer = Buffer.from(ref).toString('hex').slice(0, 12).padEnd(12, '0');
  line({ status: 'Pulling fs layer', progressDetail: {}, id: layer });
  const steps = 5;
  for (let i = 1; i <= steps; i++) {
    await sleep(ctx.pullStepMs);
    if (res.destroyed) return;
    const current = Math.round((known.size * i) / steps);
    line({
      status: 'Downloading',
      progressDetail: { current, total: known.size },
      progress: `[${'='.repeat(i * 10 - 1)}>${' '.repeat(50 - i * 10)}] ${current}B/${known.size}B`,
      id: layer,
    });
  }
  line({ status: 'Download complete', progressDetail: {}, id: layer });
  line({ status: 'Pull complete', progressDetail: {}, id: layer });
  const image = ctx.engine.addImage(ref, { hasShell: known.hasShell, size: known.size });
  line({ status: `Digest: ${image.id}` });
  line({ status: `Status: Downloaded newer image for ${ref}` });
  ctx.engine.emitEvent('image', 'pull', ref, { name: ref });
  res.end();
}

function matchesFilters(event: SimEvent, filters: Record<string, string[]>): boolean {
  const has = (key: string, value: string) => !filters[key] || filters[key]?.includes(value);
  return (
    has('type', event.Type) &&
    has('event', event.Action) &&
    (!filters.container ||
      (event.Type === 'container' &&
        (filters.container.includes(event.Actor.ID) ||
          filters.container.includes(event.Actor.Attributes.name ?? ''))))
  );
}

/** The `filters` parameter, in either of the engine's forms: {"key": ["v"]} or {"key": {"v": true}}. */
function parseFilters(url: URL, known: readonly string[]): Record<string, string[]> {
  const raw = url.searchParams.get('filters');
  if (!raw) return {};
  let filters: Record<string, string[]>;
  try {
    const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean>>;
    filters = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, Array.isArray(v) ? v : Object.keys(v)]),
    );
  } catch {
    throw new EngineError(400, `invalid filter '${raw}'`);
  }
  const unknown = Object.keys(filters).find((k) => !known.includes(k));
  if (unknown) throw new EngineError(400, `invalid filter '${unknown}'`);
  return filters;
}

/**
 * The engine's container filters: an id by prefix, a name as a regular expression over
 * "/name", a label by key or key=value, a status; values of one key are alternatives.
 */
function containerMatches(c: SimContainer, filters: Record<string, string[]>): boolean {
  const any = (key: string, test: (value: string) => boolean) => !filters[key] || filters[key].some(test);
  const name = `/${c.name.replace(/^\//, '')}`;
  return (
    any('id', (v) => c.id.startsWith(v)) &&
    any('name', (v) => new RegExp(v).test(name)) &&
    any('status', (v) => c.status === v) &&
    // Several labels must all match: unlike the other keys, they narrow.
    (filters.label ?? []).every((v) => {
      const [key = '', ...rest] = v.split('=');
      return rest.length ? c.labels[key] === rest.join('=') : key in c.labels;
    })
  );
}

function events(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const filters = parseFilters(url, ['type', 'event', 'container']);
  const since = url.searchParams.get('since');
  const until = url.searchParams.get('until');
  res.writeHead(200, { 'content-type': 'application/json', 'api-version': API_VERSION });
  res.flushHeaders();
  const write = (e: SimEvent) => {
    if (matchesFilters(e, filters)) res.write(`${JSON.stringify(e)}\n`);
  };
  if (since) {
    const from = Number(since);
    for (const e of ctx.engine.history) if (e.time >= from) write(e);
  }
  if (until && Number(until) <= Date.now() / 1000) {
    res.end();
    return;
  }
  ctx.eventStreams.add(res);
  ctx.engine.on('event', write);
  const stop = () => {
    ctx.engine.off('event', write);
    ctx.eventStreams.delete(res);
  };
  req.on('close', stop);
  res.on('close', stop);
}

/** Handles one ordinary (non-upgraded) request. */
export async function route(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  execStart: (id: string, body: Record<string, unknown>, res: ServerResponse) => void,
): Promise<void> {
  const { engine } = ctx;
  const url = new URL(req.url ?? '/', 'http://docker');
  const { version, path } = splitVersion(url.pathname);
  const method = req.method ?? 'GET';
  const q = url.searchParams;
  try {
    checkVersion(version);
    let m: RegExpExecArray | null;
    if (path === '/_ping') return send(res, 200, 'OK');
    if (method === 'GET' && path === '/version') {
      return send(res, 200, {
        Platform: { Name: 'Docker Engine - Community' },
        Version: engine.info.version,
        ApiVersion: API_VERSION,
        MinAPIVersion: MIN_API_VERSION,
        GitCommit: 'sim',
        GoVersion: 'go1.22.7',
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: '6.1.0-sim',
        BuildTime: '2024-09-20T11:41:05.000000000+00:00',
      });
    }
    if (method === 'GET' && path === '/info') {
      const all = [...engine.containers.values()];
      return send(res, 200, {
        ID: engine.engineId,
        Name: engine.info.name,
        Containers: all.length,
        ContainersRunning: all.filter((c) => c.status === 'running').length,
        ContainersPaused: all.filter((c) => c.status === 'paused').length,
        ContainersStopped: all.filter((c) => c.status !== 'running' && c.status !== 'paused').length,
        Images: engine.images.size,
        Driver: 'overlay2',
        NCPU: engine.info.cpus,
        MemTotal: engine.info.memoryBytes,
        OperatingSystem: engine.info.os,
        OSType: 'linux',
        Architecture: 'x86_64',
        KernelVersion: '6.1.0-sim',
        ServerVersion: engine.info.version,
        DockerRootDir: '/var/lib/docker',
      });
    }
    if (method === 'GET' && path === '/containers/json') {
      const all = bool(q.get('all'));
      const filters = parseFilters(url, ['id', 'name', 'label', 'status']);
      return send(
        res,
        200,
        [...engine.containers.values()]
          .filter((c) => all || c.status === 'running' || c.status === 'paused')
          .filter((c) => containerMatches(c, filters))
          .sort((a, b) => b.created.getTime() - a.created.getTime())
          .map(summary),
      );
    }
    if (method === 'POST' && path === '/containers/create') {
      const b = readJson(body);
      if (typeof b.Image !== 'string' || b.Image === '') throw new EngineError(400, 'No command specified');
      const host = (b.HostConfig ?? {}) as Record<string, unknown>;
      const c = engine.createContainer({
        name: q.get('name') ?? undefined,
        image: b.Image,
        cmd: Array.isArray(b.Cmd) ? (b.Cmd as string[]) : typeof b.Cmd === 'string' ? [b.Cmd] : undefined,
        env: Array.isArray(b.Env) ? (b.Env as string[]) : [],
        labels: (b.Labels as Record<string, string>) ?? {},
        ports: parsePorts(b),
        binds: Array.isArray(host.Binds) ? (host.Binds as string[]) : [],
        anonymousVolumes: Object.keys((b.Volumes as Record<string, unknown>) ?? {}),
        restartPolicy: host.RestartPolicy as { Name: string } | undefined,
        networkMode: typeof host.NetworkMode === 'string' ? host.NetworkMode : undefined,
      });
      return send(res, 201, { Id: c.id, Warnings: [] });
    }
    m = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (m && method === 'GET') {
      return send(res, 200, inspect(engine.container(decodeURIComponent(m[1] as string))));
    }
    m = /^\/containers\/([^/]+)\/(start|stop|restart|kill|pause|unpause|rename|exec)$/.exec(path);
    if (m) {
      if (method !== 'POST') throw new EngineError(405, 'method not allowed');
      const id = decodeURIComponent(m[1] as string);
      switch (m[2]) {
        case 'start':
          return send(res, engine.start(id) ? 204 : 304);
        case 'stop':
          return send(res, engine.stop(id) ? 204 : 304);
        case 'restart':
          engine.restart(id);
          return send(res, 204);
        case 'kill':
          engine.kill(id, q.get('signal') ?? 'SIGKILL');
          return send(res, 204);
        case 'pause':
          engine.pause(id);
          return send(res, 204);
        case 'unpause':
          engine.unpause(id);
          return send(res, 204);
        case 'rename':
          engine.rename(id, q.get('name') ?? '');
          return send(res, 204);
        case 'exec': {
          const exec = createExec(engine, id, readJson(body));
          return send(res, 201, { Id: exec });
        }
      }
    }
    m = /^\/containers\/([^/]+)$/.exec(path);
    if (m && method === 'DELETE') {
      engine.remove(decodeURIComponent(m[1] as string), {
        force: bool(q.get('force')),
        volumes: bool(q.get('v')),
      });
      return send(res, 204);
    }
    if (method === 'GET' && path === '/images/json') {
      return send(
        res,
        200,
        [...engine.images.values()].map((i) => ({
          Id: i.id,
          ParentId: '',
          RepoTags: i.repoTags,
          RepoDigests: [],
          Created: Math.floor(i.created.getTime() / 1000),
          Size: i.size,
          SharedSize: -1,
          Labels: i.labels,
          Containers: [...engine.containers.values()].filter((c) => c.imageId === i.id).length,
        })),
      );
    }
    if (method === 'POST' && path === '/images/create') return await pull(ctx, res, url);
    if (method === 'GET' && path === '/volumes') {
      return send(res, 200, {
        Volumes: [...engine.volumes.values()].map((v) => ({
          Name: v.name,
          Driver: v.driver,
          Mountpoint: `/var/lib/docker/volumes/${v.name}/_data`,
          CreatedAt: v.created.toISOString(),
          Labels: v.labels,
          Scope: 'local',
          Options: null,
          UsageData: {
            Size: -1,
            RefCount: [...engine.containers.values()].filter((c) =>
              c.mounts.some((mm) => mm.volume === v.name),
            ).length,
          },
        })),
        Warnings: [],
      });
    }
    if (method === 'POST' && path === '/volumes/create') {
      const b = readJson(body);
      const v = engine.createVolume(b.Name as string | undefined, (b.Labels as Record<string, string>) ?? {});
      return send(res, 201, {
        Name: v.name,
        Driver: v.driver,
        Mountpoint: `/var/lib/docker/volumes/${v.name}/_data`,
        CreatedAt: v.created.toISOString(),
        Labels: v.labels,
        Scope: 'local',
        Options: {},
      });
    }
    m = /^\/volumes\/([^/]+)$/.exec(path);
    if (m && method === 'DELETE') {
      engine.removeVolume(decodeURIComponent(m[1] as string), bool(q.get('force')));
      return send(res, 204);
    }
    if (path === '/networks' || path.startsWith('/networks/'))
      return networkRoute(engine, method, path, body, res);
    if (method === 'GET' && path === '/events') return events(ctx, req, res, url);
    m = /^\/exec\/([^/]+)\/start$/.exec(path);
    if (m && method === 'POST') {
      return execStart(decodeURIComponent(m[1] as string), readJson(body), res);
    }
    m = /^\/exec\/([^/]+)\/resize$/.exec(path);
    if (m && method === 'POST') {
      resizeExec(engine, decodeURIComponent(m[1] as string), Number(q.get('w')), Number(q.get('h')));
      return send(res, 200);
    }
    m = /^\/exec\/([^/]+)\/json$/.exec(path);
    if (m && method === 'GET') {
      const e = execOf(engine, decodeURIComponent(m[1] as string));
      return send(res, 200, {
        ID: e.id,
        Running: e.running,
        ExitCode: e.exitCode,
        ContainerID: e.containerId,
        ProcessConfig: { tty: e.tty, entrypoint: e.cmd[0], arguments: e.cmd.slice(1), privileged: false },
        OpenStdin: e.attachStdin,
        Pid: e.running ? 4242 : 0,
      });
    }
    throw new EngineError(404, `page not found`);
  } catch (err) {
    if (err instanceof EngineError) return send(res, err.status, { message: err.message });
    return send(res, 500, { message: (err as Error).message });
  }
}

// ---------- networks

function networkRoute(engine: DockerEngine, method: string, path: string, body: Buffer, res: ServerResponse) {
  const attached = (name: string, running: boolean) =>
    [...engine.containers.values()].filter(
      (c) => c.networkNames.includes(name) && (!running || c.status === 'running' || c.status === 'paused'),
    );
  if (method === 'GET' && path === '/networks') {
    return send(
      res,
      200,
      [...engine.networks.byId.values()].map((n) => networkJson(n)),
    );
  }
  if (method === 'POST' && path === '/networks/create') {
    const b = readJson(body);
    const ipam = (b.IPAM ?? {}) as { Config?: { Subnet?: unknown; Gateway?: unknown }[] };
    const config = ipam.Config?.[0];
    const n = engine.networks.create({
      name: b.Name,
      driver: b.Driver,
      internal: b.Internal,
      labels: b.Labels,
      subnet: config?.Subnet,
      gateway: config?.Gateway,
    });
    engine.emitEvent('network', 'create', n.id, { name: n.name, type: n.driver });
    return send(res, 201, { Id: n.id, Warning: '' });
  }
  const m = /^\/networks\/([^/]+)$/.exec(path);
  if (m && method === 'GET') {
    const n = engine.networks.find(decodeURIComponent(m[1] as string));
    // Only containers with an endpoint (running ones) are listed, as dockerd does.
    const endpoints = Object.fromEntries(
      attached(n.name, true).flatMap((c) => {
        const at = c.networks[n.name];
        return at
          ? [
              [
                c.id,
                {
                  Name: c.name,
                  EndpointID: `ep${c.id.slice(0, 20)}`,
                  MacAddress: at.mac,
                  IPv4Address: `${at.ip}/16`,
                  IPv6Address: '',
                },
              ],
            ]
          : [];
      }),
    );
    return send(res, 200, networkJson(n, endpoints));
  }
  if (m && method === 'DELETE') {
    const n = engine.networks.remove(decodeURIComponent(m[1] as string), (net) =>
      attached(net.name, true).map((c) => c.id),
    );
    engine.emitEvent('network', 'destroy', n.id, { name: n.name, type: n.driver });
    return send(res, 204);
  }
  throw new EngineError(404, 'page not found');
}

// ---------- exec instances

export interface SimExec {
  id: string;
  containerId: string;
  cmd: string[];
  env: string[];
  tty: boolean;
  attachStdin: boolean;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  size: { cols: number; rows: number };
}

const execs = new WeakMap<DockerEngine, Map<string, SimExec>>();

export function execTable(engine: DockerEngine): Map<string, SimExec> {
  let table = execs.get(engine);
  if (!table) {
    table = new Map();
    execs.set(engine, table);
  }
  return table;
}

export function execOf(engine: DockerEngine, id: string): SimExec {
  const e = execTable(engine).get(id);
  if (!e) throw new EngineError(404, `No such exec instance: ${id}`);
  return e;
}

function createExec(engine: DockerEngine, containerRef: string, body: Record<string, unknown>): string {
  const c = engine.container(containerRef);
  if (c.status === 'paused') {
    throw new EngineError(409, `Container ${c.id} is paused, unpause the container before exec`);
  }
  if (c.status !== 'running') throw new EngineError(409, `Container ${c.id} is not running`);
  const cmd = Array.isArray(body.Cmd) ? (body.Cmd as string[]) : [];
  if (cmd.length === 0) throw new EngineError(400, 'No exec command specified');
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
  const size = Array.isArray(body.ConsoleSize) ? (body.ConsoleSize as number[]) : [24, 80];
  execTable(engine).set(id, {
    id,
    containerId: c.id,
    cmd,
    env: Array.isArray(body.Env) ? (body.Env as string[]) : [],
    tty: body.Tty === true,
    attachStdin: body.AttachStdin === true,
    running: false,
    started: false,
    exitCode: null,
    size: { rows: size[0] ?? 24, cols: size[1] ?? 80 },
  });
  engine.emitEvent('container', `exec_create: ${cmd.join(' ')}`, c.id, {
    execID: id,
    image: c.image,
    name: c.name,
  });
  return id;
}

function resizeExec(engine: DockerEngine, id: string, cols: number, rows: number): void {
  const e = execOf(engine, id);
  const ok = (n: number) => Number.isInteger(n) && n > 0 && n <= 10_000;
  if (!ok(cols) || !ok(rows))
    throw new EngineError(400, 'invalid width or height: both must be whole numbers above 0');
  if (!e.running) throw new EngineError(409, `exec ${id} is not running`);
  e.size = { cols, rows };
}
