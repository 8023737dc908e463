// KubeVirt firewalls: the NetworkPolicies of the VMs' namespaces (networking.k8s.io/v1), each
// with its ingress rules and the VMs whose launcher pods it selects, and beside them, for each VM
// a LoadBalancer or NodePort Service routes to, a read-only one of what reaches it from outside
// the cluster (exposure.ts). A rule is added as one ingress rule of its port and ipBlocks, and
// removed from the ingress rule holding it; each change is a PUT at the resourceVersion read,
// read again and redone when the policy changed meanwhile.

import type { NetworkingV1Api } from '@kubernetes/client-node';
import {
  type CreateFirewallSpec,
  type FirewallDriver,
  type FirewallRule,
  ProviderError,
  type RemoteFirewall,
  sameFirewallRule,
} from '@overcast/contracts';
import type { KubeClient } from './client';
import { outsideRules, type Service } from './exposure';
import { idOf, type VirtualMachine } from './map';
import type { Lister } from './networks';
import { POD_NETWORK } from './networks';
import {
  type IngressRule,
  type NetworkPolicy,
  type PolicyPort,
  podLabels,
  selectorPeers,
  selectorText,
  selects,
  toRules,
} from './policies';

/** Every item of a typed list, page by page (the driver's pager). */
export type Pager = <T>(
  fetch: (page: { limit: number; _continue?: string }) => Promise<unknown>,
  signal?: AbortSignal,
) => AsyncIterable<T>;

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OUTSIDE = 'outside/';
const ATTEMPTS = 3;

const readOnly = () =>
  new ProviderError(
    'invalid',
    "What reaches a VM from outside the cluster follows from its Services and the NetworkPolicies selecting it; change one of those (a policy's rules) instead.",
  );

function splitPolicyId(externalId: string): { namespace: string; name: string } {
  if (externalId.startsWith(OUTSIDE)) throw readOnly();
  const [namespace, name, ...rest] = externalId.split('/');
  if (!namespace || !name || rest.length || !NAME.test(namespace) || !NAME.test(name))
    throw new ProviderError('invalid', `'${externalId}' is not a NetworkPolicy id (namespace/name).`);
  return { namespace, name };
}

/** The policy port of one of Overcast's rules; ICMP and egress are not NetworkPolicy ingress. */
function portsOf(rule: FirewallRule): PolicyPort[] | undefined {
  if (rule.direction !== 'ingress')
    throw new ProviderError('invalid', 'Overcast changes the ingress rules of NetworkPolicies only.');
  if (rule.protocol === 'icmp')
    throw new ProviderError(
      'invalid',
      'NetworkPolicies filter TCP, UDP and SCTP only; ICMP has no rule of its own.',
    );
  if (rule.protocol === 'all') return undefined;
  const port: PolicyPort = { protocol: rule.protocol.toUpperCase(), port: rule.fromPort ?? undefined };
  if (rule.toPort !== null && rule.toPort !== rule.fromPort) port.endPort = rule.toPort;
  return [port];
}

/** The ingress rule of `rule`: its ports, and its ranges as ipBlocks (none for every address). */
function ingressOf(rule: FirewallRule): IngressRule {
  const ports = portsOf(rule);
  const everywhere = rule.cidrs.some((c) => c === '0.0.0.0/0') && rule.cidrs.some((c) => c === '::/0');
  return {
    ...(everywhere ? {} : { from: rule.cidrs.map((cidr) => ({ ipBlock: { cidr } })) }),
    ...(ports ? { ports } : {}),
  };
}

/**
 * The typed client's models name `from` and `except` `_from` and `_except` (words JavaScript
 * reserves); policies are read and written here in the API's own spelling.
 */
function respell(value: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => respell(v, names));
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [names[k] ?? k, respell(v, names)]));
}
const fromWire = (p: unknown) => respell(p, { _from: 'from', _except: 'except' }) as NetworkPolicy;
const toWire = (p: unknown) => respell(p, { from: '_from', except: '_except' }) as never;

export class KubevirtFirewalls implements FirewallDriver {
  constructor(
    private readonly api: KubeClient,
    private readonly namespace: string | null,
    private readonly list: Lister,
    private readonly pages: Pager,
    private readonly inScope: (namespace: string) => void,
  ) {}

  private get networking(): NetworkingV1Api {
    return this.api.networking;
  }

  private async all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of iterable) out.push(item);
    return out;
  }

  private async policies(signal?: AbortSignal): Promise<NetworkPolicy[]> {
    const ns = this.namespace;
    const read = await this.all(
      this.pages<NetworkPolicy>(
        (page) =>
          ns
            ? this.networking.listNamespacedNetworkPolicy({ namespace: ns, ...page })
            : this.networking.listNetworkPolicyForAllNamespaces(page),
        signal,
      ),
    );
    return read.map(fromWire);
  }

  private services(signal?: AbortSignal) {
    const ns = this.namespace;
    return this.all(
      this.pages<Service>(
        (page) =>
          ns
            ? this.api.core.listNamespacedService({ namespace: ns, ...page })
            : this.api.core.listServiceForAllNamespaces(page),
        signal,
      ),
    );
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const [vms, policies, services] = await Promise.all([
      this.all(this.list<VirtualMachine>({ group: 'kubevirt.io', version: 'v1' }, 'virtualmachines', signal)),
      this.policies(signal),
      this.services(signal),
    ]);
    const pods = vms.map((vm) => ({
      id: idOf(vm.metadata),
      namespace: vm.metadata.namespace ?? 'default',
      labels: podLabels(vm),
    }));
    const firewalls: RemoteFirewall[] = policies.map((p) => {
      const namespace = p.metadata.namespace ?? 'default';
      const ingress = (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress') ? (p.spec?.ingress ?? []) : [];
      return {
        externalId: idOf(p.metadata),
        name: p.metadata.name,
        description: `NetworkPolicy in ${namespace} for ${selectorText(p.spec?.podSelector)}`,
        networkId: POD_NETWORK,
        rules: ingress.flatMap((r) => {
          const sources = selectorPeers(r);
          return toRules(r).map((rule) => (sources.length ? { ...rule, sources } : rule));
        }),
        machineIds: pods
          .filter((pod) => pod.namespace === namespace && selects(p.spec?.podSelector, pod.labels))
          .map((pod) => pod.id),
        extra: { namespace, kind: 'NetworkPolicy', resourceVersion: p.metadata.resourceVersion ?? null },
      };
    });
    for (const pod of pods) {
      const rules = outsideRules(pod.namespace, pod.labels, services, policies);
      if (rules.length === 0) continue;
      firewalls.push({
        externalId: `${OUTSIDE}${pod.id}`,
        name: `${pod.id.split('/')[1]} from outside the cluster`,
        description:
          'What LoadBalancer and NodePort Services let in from outside the cluster, after the NetworkPolicies selecting the VM. Read-only: change those policies.',
        networkId: POD_NETWORK,
        rules,
        machineIds: [pod.id],
        extra: { namespace: pod.namespace, kind: 'outside', readOnly: true },
      });
    }
    return firewalls;
  }

  /** Reads the policy, edits its ingress rules and writes it back, redone on a conflicting write. */
  private async edit(externalId: string, change: (ingress: IngressRule[]) => IngressRule[]): Promise<void> {
    const { namespace, name } = splitPolicyId(externalId);
    this.inScope(namespace);
    for (let attempt = 1; ; attempt++) {
      const policy = fromWire(
        await this.api.call(() => this.networking.readNamespacedNetworkPolicy({ namespace, name })),
      );
      const spec = policy.spec ?? {};
      const body = { ...policy, spec: { ...spec, ingress: change(spec.ingress ?? []) } };
      try {
        await this.api.call(
          () => this.networking.replaceNamespacedNetworkPolicy({ namespace, name, body: toWire(body) }),
          { idempotent: false },
        );
        return;
      } catch (err) {
        if (!(err instanceof ProviderError && err.kind === 'conflict') || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const added = ingressOf(rule);
    await this.edit(firewallId, (ingress) => {
      if (ingress.some((r) => toRules(r).some((held) => sameFirewallRule(held, rule))))
        throw new ProviderError('conflict', `${firewallId} already lets that rule in.`);
      return [...ingress, added];
    });
  }

  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    portsOf(rule);
    await this.edit(firewallId, (ingress) => {
      const at = ingress.findIndex((r) => toRules(r).some((held) => sameFirewallRule(held, rule)));
      if (at < 0) throw new ProviderError('not-found', `${firewallId} has no such rule.`);
      const held = ingress[at]!;
      // A rule of several ports loses the one asked for; the last port goes with its rule.
      const ports = (held.ports ?? []).filter(
        (p) => !toRules({ ...held, ports: [p] }).some((r) => sameFirewallRule(r, rule)),
      );
      const rest = ingress.filter((_, i) => i !== at);
      return ports.length > 0 ? [...rest.slice(0, at), { ...held, ports }, ...rest.slice(at)] : rest;
    });
  }

  /** A policy selecting the VMs asked for (one namespace's) by their name label, letting nothing in yet. */
  async createFirewall(spec: CreateFirewallSpec): Promise<RemoteFirewall> {
    if (!NAME.test(spec.name))
      throw new ProviderError(
        'invalid',
        'A NetworkPolicy name must be lowercase letters, digits and dashes (at most 63), as Kubernetes names objects.',
      );
    const vms = spec.machineIds.map((id) => {
      const [namespace, name, ...rest] = id.split('/');
      if (!namespace || !name || rest.length)
        throw new ProviderError('invalid', `'${id}' is not a KubeVirt machine id.`);
      return { namespace, name };
    });
    const namespace = vms[0]?.namespace ?? this.namespace;
    if (!namespace) throw new ProviderError('invalid', 'Name the machines the policy is for.');
    if (vms.some((v) => v.namespace !== namespace))
      throw new ProviderError(
        'invalid',
        'A NetworkPolicy selects pods of its own namespace: pick machines of one namespace.',
      );
    this.inScope(namespace);
    const podSelector =
      vms.length === 0
        ? {}
        : {
            matchExpressions: [
              { key: 'vm.kubevirt.io/name', operator: 'In', values: vms.map((v) => v.name) },
            ],
          };
    await this.api.call(
      () =>
        this.networking.createNamespacedNetworkPolicy({
          namespace,
          body: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: spec.name, namespace },
            spec: { podSelector, policyTypes: ['Ingress'], ingress: [] },
          },
        }),
      { idempotent: false },
    );
    return {
      externalId: `${namespace}/${spec.name}`,
      name: spec.name,
      description: `NetworkPolicy in ${namespace} for ${selectorText(podSelector)}`,
      networkId: POD_NETWORK,
      rules: [],
      machineIds: vms.map((v) => `${v.namespace}/${v.name}`),
      extra: { namespace, kind: 'NetworkPolicy' },
    };
  }

  async deleteFirewall(externalId: string): Promise<void> {
    const { namespace, name } = splitPolicyId(externalId);
    this.inScope(namespace);
    await this.api.call(() => this.networking.deleteNamespacedNetworkPolicy({ namespace, name }));
  }
}
