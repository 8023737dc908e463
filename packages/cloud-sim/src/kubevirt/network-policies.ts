// Services and NetworkPolicies (networking.k8s.io/v1) as the API server admits them: a Service's
// type, ports and selector checked, NodePort and LoadBalancer Services given node ports (and a
// load balancer address); a NetworkPolicy's pod selector, ingress peers (ipBlock CIDRs, pod and
// namespace selectors) and ports validated, and replaced only at the resourceVersion it was read.

import { type Cluster, KubeError, type Obj } from './cluster';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$|^[0-9a-f:]+\/\d{1,3}$/i;
let nodePorts = 30_000;
let balancers = 0;

const invalid = (kind: string, name: string, field: string, value: unknown, why: string) =>
  new KubeError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${field}: Invalid value: ${JSON.stringify(value)}: ${why}`,
    { name, kind },
  );

const isPort = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65_535;
const isSelector = (s: unknown) =>
  s !== null &&
  typeof s === 'object' &&
  !Array.isArray(s) &&
  Object.keys(s as object).every((k) => ['matchLabels', 'matchExpressions'].includes(k));

export function createService(c: Cluster, namespace: string, body: Obj): Obj {
  const name = c.checkName('services', body?.metadata?.name, namespace);
  const kind = 'Service';
  const spec = body.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type))
    throw invalid(kind, name, 'spec.type', type, `supported values: "${SERVICE_TYPES.join('", "')}"`);
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0) throw invalid(kind, name, 'spec.ports', [], 'must be specified');
  const out = ports.map((p: Obj['spec'], i: number) => {
    if (!isPort(p?.port))
      throw invalid(kind, name, `spec.ports[${i}].port`, p?.port, 'must be between 1 and 65535');
    const protocol = p.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol))
      throw invalid(
        kind,
        name,
        `spec.ports[${i}].protocol`,
        protocol,
        'supported values: "SCTP", "TCP", "UDP"',
      );
    const targetPort = p.targetPort ?? p.port;
    if (typeof targetPort !== 'string' && !isPort(targetPort))
      throw invalid(kind, name, `spec.ports[${i}].targetPort`, targetPort, 'must be between 1 and 65535');
    return {
      ...(p.name ? { name: p.name } : {}),
      protocol,
      port: p.port,
      targetPort,
      ...(type === 'ClusterIP' ? {} : { nodePort: p.nodePort ?? nodePorts++ }),
    };
  });
  if (spec.selector !== undefined && (typeof spec.selector !== 'object' || Array.isArray(spec.selector)))
    throw invalid(kind, name, 'spec.selector', spec.selector, 'must be a map of labels');
  balancers += type === 'LoadBalancer' ? 1 : 0;
  return c.put('services', {
    metadata: { name, namespace, labels: body.metadata.labels ?? {} },
    spec: {
      type,
      ports: out,
      ...(spec.selector ? { selector: spec.selector } : {}),
      ...(spec.loadBalancerSourceRanges ? { loadBalancerSourceRanges: spec.loadBalancerSourceRanges } : {}),
      clusterIP: `10.96.${(balancers >> 8) & 255}.${(c.list('services').length % 250) + 2}`,
    },
    status: {
      loadBalancer: type === 'LoadBalancer' ? { ingress: [{ ip: `203.0.113.${balancers % 250}` }] } : {},
    },
  });
}

/** The NetworkPolicy spec the API server admits, or a 422 naming the field. */
function checkPolicy(name: string, spec: Obj['spec']): Obj['spec'] {
  const kind = 'NetworkPolicy.networking.k8s.io';
  if (!isSelector(spec?.podSelector))
    throw invalid(kind, name, 'spec.podSelector', spec?.podSelector, 'Required value');
  const ingress = spec.ingress ?? [];
  if (!Array.isArray(ingress)) throw invalid(kind, name, 'spec.ingress', ingress, 'must be a list');
  ingress.forEach((rule: Obj['spec'], i: number) => {
    (rule?.from ?? []).forEach((peer: Obj['spec'], j: number) => {
      const at = `spec.ingress[${i}].from[${j}]`;
      const block = peer?.ipBlock;
      if (block) {
        if (peer.podSelector || peer.namespaceSelector)
          throw invalid(
            kind,
            name,
            at,
            peer,
            'may not specify more than 1 peer type when ipBlock is specified',
          );
        if (typeof block.cidr !== 'string' || !CIDR.test(block.cidr))
          throw invalid(kind, name, `${at}.ipBlock.cidr`, block.cidr, 'must be a valid CIDR');
      } else if (!peer?.podSelector && !peer?.namespaceSelector)
        throw invalid(kind, name, at, peer, 'must specify a peer');
    });
    (rule?.ports ?? []).forEach((p: Obj['spec'], j: number) => {
      const at = `spec.ingress[${i}].ports[${j}]`;
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol))
        throw invalid(kind, name, `${at}.protocol`, p.protocol, 'supported values: "SCTP", "TCP", "UDP"');
      if (p.port !== undefined && typeof p.port !== 'string' && !isPort(p.port))
        throw invalid(kind, name, `${at}.port`, p.port, 'must be between 1 and 65535');
      if (p.endPort !== undefined && (!isPort(p.endPort) || typeof p.port !== 'number' || p.endPort < p.port))
        throw invalid(kind, name, `${at}.endPort`, p.endPort, 'must be greater than or equal to `port`');
    });
  });
  return {
    podSelector: spec.podSelector,
    ingress,
    ...(spec.egress ? { egress: spec.egress } : {}),
    policyTypes: spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])],
  };
}

export function createPolicy(c: Cluster, namespace: string, body: Obj): Obj {
  const name = c.checkName('networkpolicies', body?.metadata?.name, namespace);
  const spec = checkPolicy(name, body.spec);
  return c.put('networkpolicies', {
    metadata: { name, namespace, labels: body.metadata.labels ?? {}, generation: 1 },
    spec,
  });
}

/** A PUT: refused with 409 when the object changed since the client read it. */
export function replacePolicy(c: Cluster, namespace: string, name: string, body: Obj): Obj {
  const current = c.get('networkpolicies', namespace, name);
  const version = body?.metadata?.resourceVersion;
  if (version !== undefined && version !== current.metadata.resourceVersion)
    throw new KubeError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on networkpolicies.networking.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: 'networking.k8s.io', kind: 'networkpolicies' },
    );
  current.spec = checkPolicy(name, body.spec);
  current.metadata.generation = Number(current.metadata.generation ?? 1) + 1;
  c.stamp(current.metadata);
  return current;
}
