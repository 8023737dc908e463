// What reaches a KubeVirt VM from outside the cluster. The pod network is cluster-internal: a VM
// is reachable from the internet only through a Service of type LoadBalancer or NodePort that
// routes to a port of its pod, and then only from the sources the NetworkPolicies selecting the
// pod let in on that port (none selecting it: Kubernetes lets everything in). So a VM's SSH is
// open to the internet when such a Service routes to its port 22 and no policy selecting it
// narrows 22 to less than 0.0.0.0/0; without such a Service it is not internet-exposed at all.
//
// The driver shows this per VM as a read-only firewall (`outside/<namespace>/<vm>`), its rules
// the ports and sources that come through: the exposure check then reads it as any other.

import type { FirewallRule } from '@overcast/contracts';
import { inCidr, parseCidr } from '@overcast/contracts/addresses';
import type { Meta } from './map';
import { ANYWHERE, coversPort, filtersIngress, type NetworkPolicy, ruleCidrs, selects } from './policies';

export interface Service {
  metadata: Meta;
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    ports?: Array<{ port: number; targetPort?: number | string; protocol?: string }>;
    loadBalancerSourceRanges?: string[];
  };
}

const OUTSIDE_TYPES = new Set(['LoadBalancer', 'NodePort']);
const PROTOCOL: Record<string, 'tcp' | 'udp'> = { TCP: 'tcp', UDP: 'udp' };

/** The ranges both lists hold: of two nested ranges, the narrower. */
export function intersect(a: string[], b: string[]): string[] {
  const out = new Set<string>();
  for (const x of a)
    for (const y of b) {
      const cx = parseCidr(x);
      const cy = parseCidr(y);
      if (!cx || !cy || cx.family !== cy.family) continue;
      if (cx.bits <= cy.bits && inCidr({ family: cy.family, value: cy.base }, cx)) out.add(y);
      else if (cy.bits <= cx.bits && inCidr({ family: cx.family, value: cx.base }, cy)) out.add(x);
    }
  return [...out];
}

/**
 * The sources the policies selecting a pod let in on `port`; every address when none selects
 * it. An ipBlock's `except` is not subtracted: the rest of its range still comes in, so the
 * range counts as written (0.0.0.0/0 except a private range is still the internet).
 */
function admitted(selecting: NetworkPolicy[], protocol: string, port: number): string[] {
  if (selecting.length === 0) return ANYWHERE;
  return [
    ...new Set(
      selecting.flatMap((p) =>
        (p.spec?.ingress ?? []).filter((r) => coversPort(r, protocol, port)).flatMap(ruleCidrs),
      ),
    ),
  ];
}

/**
 * The rules of what reaches a pod with `labels` in `namespace` from outside the cluster: one per
 * port a LoadBalancer or NodePort Service routes to it, from the sources that get through.
 */
export function outsideRules(
  namespace: string,
  labels: Record<string, string>,
  services: Service[],
  policies: NetworkPolicy[],
): FirewallRule[] {
  const selecting = policies.filter(
    (p) => p.metadata.namespace === namespace && filtersIngress(p) && selects(p.spec?.podSelector, labels),
  );
  const rules: FirewallRule[] = [];
  for (const svc of services) {
    const selector = svc.spec?.selector;
    if (svc.metadata.namespace !== namespace || !OUTSIDE_TYPES.has(svc.spec?.type ?? '')) continue;
    // A Service without a selector routes to endpoints someone wrote by hand, not to pods.
    if (!selector || Object.keys(selector).length === 0 || !selects({ matchLabels: selector }, labels))
      continue;
    const sources =
      svc.spec?.type === 'LoadBalancer' && svc.spec.loadBalancerSourceRanges?.length
        ? svc.spec.loadBalancerSourceRanges
        : ANYWHERE;
    for (const p of svc.spec?.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      const target = p.targetPort ?? p.port;
      // A named target port is resolved against the pod's container ports, which a VM's launcher pod does not name.
      if (!PROTOCOL[protocol] || typeof target !== 'number') continue;
      const cidrs = intersect(sources, admitted(selecting, protocol, target));
      if (cidrs.length === 0) continue;
      const rule: FirewallRule = {
        direction: 'ingress',
        protocol: PROTOCOL[protocol],
        fromPort: target,
        toPort: target,
        cidrs,
      };
      const same = rules.find((r) => r.protocol === rule.protocol && r.fromPort === target);
      if (same) same.cidrs = [...new Set([...same.cidrs, ...cidrs])];
      else rules.push(rule);
    }
  }
  return rules;
}
