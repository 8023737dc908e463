// An emulator of a Kubernetes API server with KubeVirt and CDI installed, over HTTPS with a
// certificate its own CA signed (as a cluster's is): discovery (`/api`, `/apis`), namespaces,
// PersistentVolumeClaims, VirtualMachines and their instances, the start/stop/restart
// subresources, merge patches of VMs, DataVolumes, DataSources, cluster instancetypes, and
// VirtualMachineSnapshots and VirtualMachineRestores (snapshot.kubevirt.io, in snapshots.ts),
// Multus NetworkAttachmentDefinitions (k8s.cni.cncf.io), Services and NetworkPolicies
// (networking.k8s.io, in network-policies.ts).
// Bearer tokens, each allowed every namespace or a list of them; refusals as `Status` bodies;
// `limit`/`continue` pages; 429 with Retry-After past a request budget. `kubeconfig(token)`
// writes what a user would paste.

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
import { Cluster, KubeError, type Obj, RESOURCES, type Resource } from './cluster';
import { createPolicy, createService, replacePolicy } from './network-policies';
import { createRestore, createSnapshot, forgetSnapshot, patchVm } from './snapshots';

export { Cluster as KubevirtCluster, KubeError } from './cluster';

export interface KubevirtSimOptions {
  port?: number;
  host?: string;
  /** VirtualMachines seeded in `namespace` (default 'default'). */
  machines?: number;
  namePrefix?: string;
  namespace?: string;
  /** Bearer tokens; `namespaces` limits one to those (a namespaced service account), otherwise all. */
  tokens?: Array<{ token: string; namespaces?: string[] }>;
  /** Serve instancetype.kubevirt.io (default true). */
  instancetypes?: boolean;
  /** Serve Multus's k8s.cni.cncf.io (default true). */
  multus?: boolean;
  /** A request budget per token: 429 with Retry-After past it. */
  rateLimit?: { limit: number; windowMs: number };
  knobs?: SimKnobs;
}

export interface KubevirtSim extends RunningSim {
  readonly cluster: Cluster;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string;
  /** Every request: method and path with its query. */
  readonly requestLog: Array<{ method: string; path: string }>;
  /** A kubeconfig for `token`, its CA inline, as `kubectl config view --raw --flatten --minify` prints. */
  kubeconfig(token: string, namespace?: string): string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const status = (err: KubeError, headers: Record<string, string> = {}) =>
  json(
    err.code,
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: err.message,
      reason: err.reason,
      ...(err.details ? { details: err.details } : {}),
      code: err.code,
    },
    headers,
  );

function renderFault(fault: Fault): SimResponse {
  const headers: Record<string, string> =
    fault.status === 429 || fault.retryAfterSeconds !== undefined
      ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) }
      : {};
  if (fault.status === 429)
    return status(
      new KubeError(429, 'TooManyRequests', 'Too many requests, please try again later.'),
      headers,
    );
  if (fault.status === 503)
    return status(
      new KubeError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      headers,
    );
  return status(
    new KubeError(fault.status, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
    headers,
  );
}

const DEFAULT_PAGE = 500;

/** One page of `items` after the `continue` token, as a Kubernetes List. */
function page(resource: Resource, items: Obj[], url: URL): SimResponse {
  const limitParam = url.searchParams.get('limit');
  const limit = limitParam === null ? 0 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 0)
    throw new KubeError(400, 'BadRequest', `invalid limit: ${limitParam}`);
  const token = url.searchParams.get('continue');
  let start = 0;
  if (token) {
    try {
      start = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start: number }).start;
    } catch {
      throw new KubeError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
    }
    if (!Number.isInteger(start) || start < 0)
      throw new KubeError(400, 'BadRequest', 'continue key is not valid');
  }
  const size = limit > 0 ? limit : items.length || DEFAULT_PAGE;
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length
      ? Buffer.from(JSON.stringify({ start: start + size })).toString('base64')
      : undefined;
  const { group, version, kind } = RESOURCES[resource];
  return json(200, {
    apiVersion: group ? `${group}/${version}` : version,
    kind: `${kind}List`,
    metadata: {
      resourceVersion: '1',
      ...(next ? { continue: next, remainingItemCount: items.length - start - size } : {}),
    },
    items: slice,
  });
}

const PLURALS = new Set(Object.keys(RESOURCES));

export async function startKubevirtSim(options: KubevirtSimOptions = {}): Promise<KubevirtSim> {
  const cluster = new Cluster();
  for (const ns of ['default', 'kube-system', 'kubevirt', 'kubevirt-os-images']) cluster.addNamespace(ns);
  cluster.addInstancetype('u1.small', 1, '2Gi');
  cluster.addInstancetype('u1.medium', 1, '4Gi');
  cluster.addInstancetype('u1.large', 2, '8Gi');
  cluster.addDataSource('kubevirt-os-images', 'fedora');
  cluster.addDataSource('kubevirt-os-images', 'ubuntu');
  cluster.seed(options.namespace ?? 'default', options.machines ?? 0, options.namePrefix ?? 'vm');
  const tokens = new Map((options.tokens ?? []).map((t) => [t.token, t]));
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
  const withInstancetypes = options.instancetypes !== false;
  const withMultus = options.multus !== false;
  const tls = makeTlsMaterial('kubevirt-sim');
  const requestLog: KubevirtSim['requestLog'] = [];

  const groups = () =>
    [
      ['kubevirt.io', 'v1'],
      ['subresources.kubevirt.io', 'v1'],
      ['cdi.kubevirt.io', 'v1beta1'],
      ['snapshot.kubevirt.io', 'v1beta1'],
      ['networking.k8s.io', 'v1'],
      ...(withMultus ? [['k8s.cni.cncf.io', 'v1']] : []),
      ...(withInstancetypes ? [['instancetype.kubevirt.io', 'v1beta1']] : []),
    ].map(([name, version]) => ({
      name,
      versions: [{ groupVersion: `${name}/${version}`, version }],
      preferredVersion: { groupVersion: `${name}/${version}`, version },
    }));

  const handler = (req: SimRequest): SimResponse => {
    const path = req.url.pathname;
    requestLog.push({ method: req.method, path: path + req.url.search });
    cluster.timeline.settle();
    if (requestLog.length > 10_000) requestLog.splice(0, requestLog.length - 10_000);
    try {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const account = bearer ? tokens.get(bearer) : undefined;
      if (!account) throw new KubeError(401, 'Unauthorized', 'Unauthorized');
      if (limiter) {
        const take = limiter.take(account.token);
        if (!take.allowed)
          return status(new KubeError(429, 'TooManyRequests', 'Too many requests, please try again later.'), {
            'retry-after': String(take.retryAfterS),
          });
      }
      if (path === '/api')
        return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (path === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: groups() });

      const m =
        /^\/(?:api\/v1|apis\/([a-z0-9.-]+)\/(v1|v1beta1))(?:\/namespaces\/([^/]+))?\/([a-z-]+)(?:\/([^/]+))?(?:\/(start|stop|restart))?$/.exec(
          path,
        );
      // `/api/v1/namespaces` itself is the namespaces list, not a namespace called "".
      const route =
        m ?? (path === '/api/v1/namespaces' ? [path, undefined, undefined, undefined, 'namespaces'] : null);
      if (!route) throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
      const [, group = '', , namespace, plural, name, verb] = route as (string | undefined)[];
      if (verb || group === 'subresources.kubevirt.io') {
        if (
          group !== 'subresources.kubevirt.io' ||
          plural !== 'virtualmachines' ||
          !name ||
          !verb ||
          !namespace
        )
          throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
        if (req.method !== 'PUT')
          throw new KubeError(
            405,
            'MethodNotAllowed',
            `the server does not allow this method on the requested resource`,
          );
        allow(account, namespace, plural, 'update');
        cluster.act(namespace, name, verb as 'start' | 'stop' | 'restart');
        return { status: 202, body: '' };
      }
      if (!plural || !PLURALS.has(plural) || RESOURCES[plural as Resource].group !== group)
        throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
      const resource = plural as Resource;
      if (
        (resource === 'virtualmachineclusterinstancetypes' && !withInstancetypes) ||
        (resource === 'network-attachment-definitions' && !withMultus)
      )
        throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
      const namespaced = RESOURCES[resource].namespaced;
      allow(
        account,
        namespaced ? namespace : undefined,
        resource,
        req.method === 'GET' ? (name ? 'get' : 'list') : 'change',
      );
      if (req.method === 'GET')
        return name
          ? json(200, cluster.get(resource, namespace, name))
          : page(resource, cluster.list(resource, namespace), req.url);
      if (!namespace || !namespaced)
        throw new KubeError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      const body = (): Obj => {
        try {
          return JSON.parse(req.body.toString('utf8')) as Obj;
        } catch (err) {
          throw new KubeError(
            400,
            'BadRequest',
            `the object provided is unrecognized: ${(err as Error).message}`,
          );
        }
      };
      if (req.method === 'POST' && !name) {
        if (resource === 'virtualmachines') return json(201, cluster.createVm(namespace, body()));
        if (resource === 'datavolumes') return json(201, cluster.createDataVolume(namespace, body()));
        if (resource === 'network-attachment-definitions')
          return json(201, cluster.createAttachment(namespace, body()));
        if (resource === 'services') return json(201, createService(cluster, namespace, body()));
        if (resource === 'networkpolicies') return json(201, createPolicy(cluster, namespace, body()));
        if (resource === 'virtualmachinesnapshots')
          return json(201, createSnapshot(cluster, namespace, body()));
        if (resource === 'virtualmachinerestores')
          return json(201, createRestore(cluster, namespace, body()));
      }
      if (req.method === 'PUT' && name && resource === 'networkpolicies')
        return json(200, replacePolicy(cluster, namespace, name, body()));
      if (req.method === 'PUT' && name && resource === 'virtualmachines')
        return json(200, cluster.replaceVm(namespace, name, body()));
      if (req.method === 'PATCH' && name && resource === 'virtualmachines') {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        if (type !== 'application/merge-patch+json')
          throw new KubeError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          );
        return json(200, patchVm(cluster, namespace, name, body()));
      }
      if (req.method === 'DELETE' && name && resource === 'virtualmachinesnapshots') {
        const gone = cluster.delete(resource, namespace, name);
        forgetSnapshot(cluster, namespace, name);
        return json(200, gone);
      }
      if (
        req.method === 'DELETE' &&
        name &&
        resource !== 'virtualmachineinstances' &&
        resource !== 'datasources'
      )
        return json(200, cluster.delete(resource, namespace, name));
      throw new KubeError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    } catch (err) {
      if (err instanceof KubeError) return status(err);
      throw err;
    }
  };

  /** RBAC of a namespaced service account: its namespaces only, never the cluster scope. */
  function allow(
    account: { namespaces?: string[] },
    namespace: string | undefined,
    resource: string,
    verb: string,
  ) {
    if (!account.namespaces) return;
    if (namespace && account.namespaces.includes(namespace)) return;
    const { group } = RESOURCES[resource as Resource] ?? { group: 'subresources.kubevirt.io' };
    const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    throw new KubeError(
      403,
      'Forbidden',
      `${resource}${group ? `.${group}` : ''} is forbidden: User "system:serviceaccount:overcast:overcast" cannot ${verb} resource "${resource}" in API group "${group}" ${where}`,
      { kind: resource, group },
    );
  }

  const sim = await startSimServer(handler, renderFault, {
    host: options.host,
    port: options.port,
    knobs: options.knobs,
    tls: { key: tls.serverKey, cert: tls.serverCert },
  });
  const kubeconfig = (token: string, namespace?: string) =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: sim',
      '  cluster:',
      `    server: ${sim.url}`,
      `    certificate-authority-data: ${Buffer.from(tls.ca).toString('base64')}`,
      'users:',
      '- name: overcast',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: sim',
      '  context:',
      '    cluster: sim',
      '    user: overcast',
      ...(namespace ? [`    namespace: ${namespace}`] : []),
      'current-context: sim',
      '',
    ].join('\n');
  return { ...sim, cluster, ca: tls.ca, requestLog, kubeconfig };
}
