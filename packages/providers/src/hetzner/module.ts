import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict } from '../common/fields';

export const hetznerModule = {
  kind: 'hetzner',
  label: 'Hetzner Cloud',
  mark: 'HC',
  background: '#d50c2d',
  foreground: '#ffffff',
  credentials: Strict({
    token: NonEmpty(
      "A project's token with Read & Write permission; Read is enough to watch machines.",
      512,
      { widget: 'secret', label: 'API token' },
    ),
  }),
  config: Strict({}),
  endpoint: { overridable: true, placeholder: 'https://api.hetzner.cloud' },
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
  pricing: 'provider',
  docs: 'https://console.hetzner.cloud/projects',
  titlePlaceholder: 'Hetzner project',
  help: [
    'In the Hetzner Cloud console, open the project Overcast should manage, then Security → API tokens.',
    'Choose Generate API token with Read & Write permission (Read is enough to watch machines).',
    'A token belongs to one project and is shown once: copy it here.',
  ],
} satisfies ProviderModule;
