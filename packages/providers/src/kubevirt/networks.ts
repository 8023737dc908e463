// KubeVirt's networks: the cluster's pod network (every VM that names `pod: {}`, or names no
// network at all, which KubeVirt reads as the pod network) and Multus NetworkAttachmentDefinitions
// (k8s.cni.cncf.io/v1), each a VM joins through `multus.networkName`. A definition's range is its
// CNI config's `ipam.subnet` (or `ipam.ranges`); one Overcast makes is a Linux bridge with
// host-local IPAM over the range asked for.

import {
  type CreateNetworkSpec,
  type NetworkDriver,
  ProviderError,
  type RemoteNetwork,
} from '@overcast/contracts';
import { noSubnets } from '../common/with-networks';
import type { KubeClient } from './client';
import { idOf, type Meta, type VirtualMachine } from './map';

export const MULTUS = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' };
/** The pod network: one per cluster, made with it, neither made nor deleted here. */
export const POD_NETWORK = 'pod';
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

export interface Attachment {
  metadata: Meta & { annotations?: Record<string, string> };
  spec?: { config?: string };
}

interface CniConfig {
  type?: string;
  ipam?: { subnet?: string; ranges?: Array<Array<{ subnet?: string }>> };
  plugins?: CniConfig[];
}

/** A custom resource's objects in the cloud's scope, every page. */
export type Lister = <T>(
  group: { group: string; version: string },
  plural: string,
  signal?: AbortSignal,
) => AsyncIterable<T>;

/** The ranges a CNI config hands out (a plugin list's first IPAM that has any). */
export function rangesOf(config: string | undefined): string[] {
  let parsed: CniConfig;
  try {
    parsed = JSON.parse(config ?? '') as CniConfig;
  } catch {
    return [];
  }
  for (const plugin of [parsed, ...(Array.isArray(parsed.plugins) ? parsed.plugins : [])]) {
    const ipam = plugin?.ipam;
    const ranges = [
      ...(typeof ipam?.subnet === 'string' ? [ipam.subnet] : []),
      ...(ipam?.ranges ?? []).flat().flatMap((r) => (typeof r?.subnet === 'string' ? [r.subnet] : [])),
    ];
    if (ranges.length) return ranges;
  }
  return [];
}

/** `namespace/name` of each network a VM joins; `pod` for the pod network. */
export function networksOf(vm: VirtualMachine): string[] {
  const networks = (vm.spec.template.spec.networks ?? []) as Array<{
    pod?: object;
    multus?: { networkName?: string };
  }>;
  // No networks at all: KubeVirt attaches the pod network by itself (autoattachPodInterface).
  if (networks.length === 0) return [POD_NETWORK];
  return networks.flatMap((n) => {
    if (n.pod) return [POD_NETWORK];
    const name = n.multus?.networkName;
    if (!name) return [];
    // A bare name is a definition in the VM's own namespace.
    return [name.includes('/') ? name : `${vm.metadata.namespace ?? 'default'}/${name}`];
  });
}

function splitNetworkId(externalId: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = externalId.split('/');
  if (!namespace || !name || rest.length || !NAME.test(namespace) || !NAME.test(name))
    throw new ProviderError(
      'invalid',
      `'${externalId}' is not a KubeVirt network id (namespace/name of a NetworkAttachmentDefinition).`,
    );
  return { namespace, name };
}

export class KubevirtNetworks implements NetworkDriver {
  readonly listSubnets = noSubnets;

  constructor(
    private readonly api: KubeClient,
    /** The one namespace the cloud covers, or null for all the account may list. */
    private readonly namespace: string | null,
    private readonly list: Lister,
    private readonly inScope: (namespace: string) => void,
  ) {}

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const members = new Map<string, string[]>();
    for await (const vm of this.list<VirtualMachine>(
      { group: 'kubevirt.io', version: 'v1' },
      'virtualmachines',
      signal,
    ))
      for (const net of networksOf(vm)) members.set(net, [...(members.get(net) ?? []), idOf(vm.metadata)]);
    const networks: RemoteNetwork[] = [
      {
        externalId: POD_NETWORK,
        name: 'Pod network',
        // The pod CIDR is the cluster's configuration, which the API does not serve.
        cidr: null,
        region: null,
        isDefault: true,
        machineIds: members.get(POD_NETWORK) ?? [],
        tags: {},
        extra: { readOnly: true },
      },
    ];
    for (const nad of await this.attachments(signal)) {
      const id = idOf(nad.metadata);
      const ranges = rangesOf(nad.spec?.config);
      networks.push({
        externalId: id,
        name: nad.metadata.name,
        cidr: ranges[0] ?? null,
        region: nad.metadata.namespace ?? null,
        isDefault: false,
        machineIds: members.get(id) ?? [],
        tags: { ...(nad.metadata.labels ?? {}) },
        extra: { ranges },
      });
    }
    return networks;
  }

  /** The definitions; none where the cluster has no Multus (its API group is not served). */
  private async attachments(signal: AbortSignal): Promise<Attachment[]> {
    const out: Attachment[] = [];
    try {
      for await (const nad of this.list<Attachment>(MULTUS, MULTUS.plural, signal)) out.push(nad);
    } catch (err) {
      // A list 404s only when the resource type is absent; the pod network still stands.
      if (err instanceof ProviderError && err.kind === 'not-found' && out.length === 0) return [];
      throw err;
    }
    return out;
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const namespace = spec.region || this.namespace || 'default';
    if (!NAME.test(namespace)) throw new ProviderError('invalid', `'${namespace}' is not a namespace name.`);
    this.inScope(namespace);
    if (!NAME.test(spec.name))
      throw new ProviderError(
        'invalid',
        'A network name must be lowercase letters, digits and dashes (at most 63), as Kubernetes names objects.',
      );
    if (!CIDR.test(spec.cidr)) throw new ProviderError('invalid', `'${spec.cidr}' is not an IPv4 CIDR.`);
    // Linux bridge names stop at 15 characters.
    const config = {
      cniVersion: '0.3.1',
      name: spec.name,
      type: 'bridge',
      bridge: `br-${spec.name}`.slice(0, 15),
      ipam: { type: 'host-local', subnet: spec.cidr },
    };
    const made = (await this.api.call(
      () =>
        this.api.objects.createNamespacedCustomObject({
          ...MULTUS,
          namespace,
          body: {
            apiVersion: 'k8s.cni.cncf.io/v1',
            kind: 'NetworkAttachmentDefinition',
            metadata: { name: spec.name, namespace },
            spec: { config: JSON.stringify(config) },
          },
        }),
      { idempotent: false },
    )) as Attachment;
    return {
      externalId: idOf(made.metadata),
      name: made.metadata.name,
      cidr: spec.cidr,
      region: namespace,
      isDefault: false,
      machineIds: [],
      tags: {},
      extra: { ranges: [spec.cidr] },
    };
  }

  async deleteNetwork(externalId: string): Promise<void> {
    if (externalId === POD_NETWORK)
      throw new ProviderError('invalid', "The pod network is the cluster's own; it cannot be deleted.");
    const { namespace, name } = splitNetworkId(externalId);
    this.inScope(namespace);
    await this.api.call(() => this.api.objects.deleteNamespacedCustomObject({ ...MULTUS, namespace, name }));
  }
}
