import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict } from '../common/fields';

export const linodeModule = {
  kind: 'linode',
  label: 'Akamai Linode',
  mark: 'LIN',
  background: '#00a95c',
  foreground: '#ffffff',
  credentials: Strict({
    token: NonEmpty(
      'Read/Write on Linodes, Volumes, Domains, VPCs and Firewalls; Read Only is enough to watch machines.',
      512,
      {
        widget: 'secret',
        label: 'Personal access token',
      },
    ),
  }),
  config: Strict({}),
  endpoint: { overridable: true, placeholder: 'https://api.linode.com' },
  features: features({
    create: true,
    volumes: true,
    dns: true,
    resize: true,
    snapshots: true,
    networks: true,
    subnets: true,
    firewalls: true,
  }),
  // Linode refuses a plan with less disk than the Linode has allocated, and a resize up grows it.
  resizeNeverShrinksDisk: true,
  pricing: 'provider',
  docs: 'https://cloud.linode.com/profile/tokens',
  titlePlaceholder: 'Linode',
  help: [
    'In Cloud Manager, open your profile → API Tokens.',
    'Choose Create a Personal Access Token with Read/Write on Linodes, Volumes, Domains, VPCs and Firewalls (Read Only to only watch machines).',
    'The token is shown once: copy it here.',
  ],
} satisfies ProviderModule;
