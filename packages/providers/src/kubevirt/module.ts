// KubeVirt as data: its add-cloud form, what it can do, where prices come from. Imports no
// driver code, so the registry can load it without the Kubernetes client.

import { features, type ProviderModule } from '@overcast/contracts';
import { Strict, T as Type } from '../common/fields';
import { kubeconfigProblem, serversNamed } from './servers';

/** A Kubernetes namespace name (an RFC 1123 label). */
export const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const credentials = Strict({
  kubeconfig: Type.String({
    minLength: 1,
    maxLength: 65_536,
    description:
      'The kubeconfig of an account allowed to manage VirtualMachines, DataVolumes, PersistentVolumeClaims ' +
      'and (for networks) NetworkAttachmentDefinitions, and to list Services and manage NetworkPolicies, ' +
      'with its certificates and token inline (kubectl config view --raw --flatten --minify).',
    ui: {
      widget: 'textarea',
      label: 'Kubeconfig',
      mono: true,
      order: 1,
      placeholder: 'apiVersion: v1\nkind: Config\nclusters: …',
    },
  }),
});

const config = Strict({
  namespace: Type.Optional(
    Type.String({
      maxLength: 63,
      description:
        'Only the machines of this namespace; leave empty for every namespace the account may list.',
      ui: { widget: 'text', label: 'Namespace', mono: true, order: 10, placeholder: 'vms' },
    }),
  ),
});

export const kubevirtModule = {
  kind: 'kubevirt',
  label: 'KubeVirt',
  mark: 'KV',
  background: '#00797f',
  foreground: '#ffffff',
  credentials,
  config,
  endpoint: { overridable: true, placeholder: "The kubeconfig's server, e.g. https://k8s.example.com:6443" },
  features: features({
    create: true,
    volumes: true,
    // A Kubernetes object's name is fixed when it is made.
    rename: false,
    // Cluster instancetypes by merge patch; VirtualMachineSnapshots, restored to a stopped VM.
    resize: true,
    snapshots: true,
    // The pod network and Multus NetworkAttachmentDefinitions (networks.ts); a definition's
    // range lives in its CNI config, so there are no subnets to make apart from it.
    networks: true,
    // NetworkPolicies of the VMs' namespaces (firewalls.ts); what reaches a VM from outside the
    // cluster through LoadBalancer and NodePort Services is shown beside them (exposure.ts).
    firewalls: true,
    // A NetworkPolicy stands apart from the VMs it selects, so one is made and deleted here.
    firewallsMade: true,
  }),
  // Your own cluster: KubeVirt has no prices to give, and no table could know yours.
  pricing: 'none',
  docs: 'https://kubevirt.io/user-guide/',
  titlePlaceholder: 'KubeVirt cluster',
  help: [
    'Paste a kubeconfig whose certificates and token are inline: kubectl config view --raw --flatten --minify prints one.',
    'Use a service account token: exec plugins and auth providers (cloud sign-ins) are not run by Overcast.',
    'Give a namespace to see only its machines; without one Overcast lists every namespace the account may see.',
  ],
  check(creds, cfg) {
    const problem = kubeconfigProblem(creds.kubeconfig);
    if (problem) return problem;
    const ns = cfg.namespace;
    if (typeof ns === 'string' && ns !== '' && !NAMESPACE.test(ns))
      return 'The namespace must be lowercase letters, digits and dashes (at most 63), as Kubernetes names them.';
    return undefined;
  },
  // The kubeconfig names the addresses its credentials are sent to (the driver uses one of these).
  credentialDestinations: (creds) =>
    typeof creds.kubeconfig === 'string' ? serversNamed(creds.kubeconfig) : [],
} satisfies ProviderModule;
