import type { CloudProvider } from '../api/types';

export interface ProviderMeta {
  label: string;
  /** Two or three letters for the icon. */
  mark: string;
  background: string;
  foreground: string;
  /** Whether Overcast can create machines there. */
  canCreate: boolean;
  /** Whether it is reached through an HTTP API whose address may be overridden (not Docker, KVM or SSH). */
  hasApiEndpoint: boolean;
}

export const PROVIDERS: Record<CloudProvider, ProviderMeta> = {
  aws: {
    label: 'Amazon EC2',
    mark: 'aws',
    background: '#232f3e',
    foreground: '#ff9900',
    canCreate: true,
    hasApiEndpoint: true,
  },
  gce: {
    label: 'Google Cloud',
    mark: 'GC',
    background: '#1a73e8',
    foreground: '#ffffff',
    canCreate: true,
    hasApiEndpoint: true,
  },
  digitalocean: {
    label: 'DigitalOcean',
    mark: 'DO',
    background: '#0069ff',
    foreground: '#ffffff',
    canCreate: true,
    hasApiEndpoint: true,
  },
  libvirt: {
    label: 'KVM (libvirt)',
    mark: 'KVM',
    background: '#6d3fc0',
    foreground: '#ffffff',
    canCreate: true,
    hasApiEndpoint: false,
  },
  docker: {
    label: 'Docker',
    mark: 'DKR',
    background: '#1d63ed',
    foreground: '#ffffff',
    // Containers have no sizes or regions: they are made from the cloud's "New container" dialog.
    canCreate: false,
    hasApiEndpoint: false,
  },
  ssh_host: {
    label: 'SSH hosts',
    mark: 'SSH',
    background: '#475569',
    foreground: '#ffffff',
    canCreate: false,
    hasApiEndpoint: false,
  },
};

export const PROVIDER_ORDER: CloudProvider[] = [
  'aws',
  'gce',
  'digitalocean',
  'libvirt',
  'docker',
  'ssh_host',
];

const UNKNOWN: ProviderMeta = {
  label: 'Other',
  mark: '?',
  background: '#64748b',
  foreground: '#ffffff',
  canCreate: false,
  hasApiEndpoint: false,
};

export function providerMeta(provider: string): ProviderMeta {
  return PROVIDERS[provider as CloudProvider] ?? { ...UNKNOWN, label: provider };
}
