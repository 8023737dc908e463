import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict } from '../common/fields';

export const vultrModule = {
  kind: 'vultr',
  label: 'Vultr',
  mark: 'VU',
  background: '#007bfc',
  foreground: '#ffffff',
  credentials: Strict({
    token: NonEmpty("The account's API key; allow Overcast's address in its access control list.", 512, {
      widget: 'secret',
      label: 'API key',
    }),
  }),
  config: Strict({}),
  endpoint: { overridable: true, placeholder: 'https://api.vultr.com' },
  features: features({
    create: true,
    volumes: true,
    resize: true,
    snapshots: true,
    dns: true,
    networks: true,
    firewalls: true,
  }),
  pricing: 'provider',
  docs: 'https://my.vultr.com/settings/#settingsapi',
  titlePlaceholder: 'Vultr',
  help: [
    'In the Vultr customer portal, open Account → API.',
    'Enable the API and add the address Overcast connects from to the access control list.',
    'Copy the personal access token here.',
  ],
} satisfies ProviderModule;
