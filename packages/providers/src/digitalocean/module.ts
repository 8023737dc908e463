import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict } from '../common/fields';

export const digitaloceanModule = {
  kind: 'digitalocean',
  label: 'DigitalOcean',
  mark: 'DO',
  background: '#0069ff',
  foreground: '#ffffff',
  credentials: Strict({
    token: NonEmpty('Read and write scope; read only is enough to watch machines.', 512, {
      widget: 'secret',
      label: 'Personal access token',
      placeholder: 'dop_v1_…',
    }),
  }),
  config: Strict({}),
  endpoint: { overridable: true, placeholder: 'https://api.digitalocean.com' },
  features: features({
    create: true,
    resize: true,
    snapshots: true,
    volumes: true,
    networks: true,
    firewalls: true,
    dns: true,
  }),
  pricing: 'provider',
  docs: 'https://cloud.digitalocean.com/account/api/tokens',
  titlePlaceholder: 'DigitalOcean',
  help: [
    'In the DigitalOcean control panel, open API → Tokens.',
    'Choose Generate New Token with read and write scope (read only is enough to watch machines).',
    'The token is shown once: copy it here.',
  ],
} satisfies ProviderModule;
