import { features, type ProviderModule } from '@overcast/contracts';
import { Strict, T } from '../common/fields';

export const gceModule = {
  kind: 'gce',
  label: 'Google Cloud',
  errorName: 'Google Compute Engine',
  mark: 'GC',
  background: '#1a73e8',
  foreground: '#ffffff',
  credentials: Strict({
    serviceAccount: T.Union(
      [T.String({ minLength: 2, maxLength: 16_384 }), T.Record(T.String(), T.Unknown())],
      {
        description: 'The service account key JSON (as text or as an object)',
        ui: {
          widget: 'file',
          label: 'Service account key (JSON)',
          mono: true,
          placeholder: '{ "type": "service_account", "project_id": "…", … }',
        },
      },
    ),
  }),
  config: Strict({
    project: T.Optional(
      T.String({
        maxLength: 128,
        description: "Leave empty to use the key's own project.",
        ui: { label: 'Project ID' },
      }),
    ),
  }),
  endpoint: { overridable: true, placeholder: 'https://compute.googleapis.com' },
  features: features({
    create: true,
    resize: true,
    snapshots: true,
    volumes: true,
    networks: true,
    firewalls: true,
    subnets: true,
    dns: true,
    console: 'serial',
  }),
  pricing: 'table',
  docs: 'https://console.cloud.google.com/iam-admin/serviceaccounts',
  titlePlaceholder: 'Google Cloud production',
  help: [
    'In the Google Cloud console, open IAM & Admin → Service Accounts and create one for Overcast.',
    'Grant it the Compute Admin role (Compute Viewer to only watch machines).',
    'Open the account → Keys → Add key → Create new key → JSON, then paste or load the downloaded file.',
  ],
  check(credentials) {
    if (typeof credentials.serviceAccount !== 'string') return undefined;
    try {
      JSON.parse(credentials.serviceAccount);
      return undefined;
    } catch {
      return 'credentials.serviceAccount is not valid JSON; paste the whole key file.';
    }
  },
  // A key pasted as text reaches the driver as the object it is.
  normalize: (credentials) =>
    typeof credentials.serviceAccount === 'string'
      ? { ...credentials, serviceAccount: JSON.parse(credentials.serviceAccount) }
      : credentials,
  // A service account key names the address its token is asked from.
  credentialDestinations(credentials) {
    const tokenUri = (credentials.serviceAccount as { token_uri?: unknown } | undefined)?.token_uri;
    return typeof tokenUri === 'string' && tokenUri ? [tokenUri] : [];
  },
  // us-central1-a -> us-central1: prices are per region, machines sit in zones.
  regionOf: (location) => (/^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.slice(0, -2) : location),
  // A TERMINATED instance bills only its disks, which are priced as volumes.
  billsStoppedMachines: false,
} satisfies ProviderModule;
