// Kubernetes NetworkPolicies (networking.k8s.io/v1) read as Overcast's firewall rules, and the
// label selectors that say which VMs a policy or a Service reaches. A VM's virt-launcher pod
// carries the labels of the VM's `spec.template.metadata.labels`, beside the two KubeVirt puts
// on every launcher pod; selectors are matched against those.

import type { FirewallRule } from '@overcast/contracts';
import type { Meta, VirtualMachine } from './map';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface PolicyPeer {
  ipBlock?: { cidr: string; except?: string[] };
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

export interface IngressRule {
  from?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicy {
  metadata: Meta & { resourceVersion?: string };
  spec?: { podSelector?: LabelSelector; ingress?: IngressRule[]; egress?: unknown[]; policyTypes?: string[] };
}

/** Every address: an ingress rule without `from` lets in any source. */
export const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** The labels of a VM's virt-launcher pod. */
export function podLabels(vm: VirtualMachine): Record<string, string> {
  return {
    ...(vm.spec.template.metadata?.labels ?? {}),
    'kubevirt.io': 'virt-launcher',
    'vm.kubevirt.io/name': vm.metadata.name,
  };
}

/** Kubernetes' label selector: an empty one selects every pod of the namespace. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    plain &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      if (operator === 'In') return has && values.includes(labels[key]!);
      if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
      if (operator === 'Exists') return has;
      if (operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

/** A selector in words, as the policies list shows it: `app=web, tier in (a,b)`; `all pods` when empty. */
export function selectorText(selector: LabelSelector | undefined): string {
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map(({ key, operator, values = [] }) =>
      operator === 'Exists'
        ? key
        : operator === 'DoesNotExist'
          ? `!${key}`
          : `${key} ${operator.toLowerCase()} (${values.join(',')})`,
    ),
  ];
  return parts.length ? parts.join(', ') : 'all pods';
}

/** Whether a policy filters the ingress of the pods it selects (policyTypes defaults to Ingress). */
export const filtersIngress = (p: NetworkPolicy) => (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress');

/** The sources of a rule that are not address ranges, in words: `pods app=web`, `namespaces team=a`. */
export function selectorPeers(rule: IngressRule): string[] {
  return (rule.from ?? []).flatMap((peer) => {
    if (peer.ipBlock) return [];
    const pods = peer.podSelector ? `pods ${selectorText(peer.podSelector)}` : null;
    const namespaces = peer.namespaceSelector ? `namespaces ${selectorText(peer.namespaceSelector)}` : null;
    return [[pods, namespaces && (pods ? `in ${namespaces}` : namespaces)].filter(Boolean).join(' ')];
  });
}

/** The address ranges a rule lets in: every address without `from`, else its ipBlocks. */
export function ruleCidrs(rule: IngressRule): string[] {
  if (!rule.from || rule.from.length === 0) return ANYWHERE;
  return rule.from.flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
}

const PROTOCOL: Record<string, FirewallRule['protocol']> = { TCP: 'tcp', UDP: 'udp' };

/**
 * One rule of Overcast's per port entry (every protocol and port when it has none). SCTP ports
 * and named ports are left out: Overcast's rules have no SCTP, and a name is the pod's to resolve.
 */
export function toRules(rule: IngressRule): FirewallRule[] {
  const cidrs = ruleCidrs(rule);
  if (!rule.ports || rule.ports.length === 0)
    return [{ direction: 'ingress', protocol: 'all', fromPort: null, toPort: null, cidrs }];
  return rule.ports.flatMap((p) => {
    const protocol = PROTOCOL[p.protocol ?? 'TCP'];
    if (!protocol || typeof p.port === 'string') return [];
    return [
      {
        direction: 'ingress' as const,
        protocol,
        fromPort: p.port ?? null,
        toPort: p.port === undefined ? null : (p.endPort ?? p.port),
        cidrs,
      },
    ];
  });
}

/** Whether a rule's ports take `port` of `protocol` (TCP or UDP, as the Service names it). */
export function coversPort(rule: IngressRule, protocol: string, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(
    (p) =>
      (p.protocol ?? 'TCP') === protocol &&
      (p.port === undefined ||
        (typeof p.port === 'number' && port >= p.port && port <= (p.endPort ?? p.port))),
  );
}
