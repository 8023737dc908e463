// Networks, subnetworks and firewalls as Compute Engine v1 JSON.

import { links } from './links';
import type { SimFirewall, SimNetwork, SimSubnetwork } from './networks';

export function networkJson(project: string, n: SimNetwork, subnets: SimSubnetwork[]) {
  return {
    kind: 'compute#network',
    id: n.id,
    creationTimestamp: n.creationTimestamp,
    name: n.name,
    description: n.description,
    selfLink: links.network(project, n.name),
    selfLinkWithId: `${links.project(project)}/global/networks/${n.id}`,
    autoCreateSubnetworks: n.autoCreateSubnetworks,
    subnetworks: subnets
      .filter((s) => s.network === n.name)
      .map((s) => links.subnetwork(project, s.region, s.name)),
    routingConfig: { routingMode: n.routingMode },
    mtu: n.mtu,
    networkFirewallPolicyEnforcementOrder: 'AFTER_CLASSIC_FIREWALL',
  };
}

export function subnetworkJson(project: string, s: SimSubnetwork) {
  return {
    kind: 'compute#subnetwork',
    id: s.id,
    creationTimestamp: s.creationTimestamp,
    name: s.name,
    description: s.description,
    network: links.network(project, s.network),
    ipCidrRange: s.ipCidrRange,
    gatewayAddress: s.gatewayAddress,
    region: links.region(project, s.region),
    selfLink: links.subnetwork(project, s.region, s.name),
    privateIpGoogleAccess: false,
    fingerprint: Buffer.from(s.id).toString('base64').slice(0, 12),
    purpose: 'PRIVATE',
    stackType: 'IPV4_ONLY',
  };
}

export function firewallJson(project: string, f: SimFirewall) {
  const list = (k: string, v: string[]) => (v.length ? { [k]: v } : {});
  return {
    kind: 'compute#firewall',
    id: f.id,
    creationTimestamp: f.creationTimestamp,
    name: f.name,
    description: f.description,
    network: links.network(project, f.network),
    priority: f.priority,
    ...list('sourceRanges', f.sourceRanges),
    ...list('destinationRanges', f.destinationRanges),
    ...list('sourceTags', f.sourceTags),
    ...list('targetTags', f.targetTags),
    ...(f.allowed.length ? { allowed: f.allowed } : {}),
    ...(f.denied.length ? { denied: f.denied } : {}),
    direction: f.direction,
    logConfig: { enable: false },
    disabled: f.disabled,
    selfLink: links.firewall(project, f.name),
  };
}
