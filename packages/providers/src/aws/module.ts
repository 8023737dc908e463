import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict, T } from '../common/fields';

export const awsModule = {
  kind: 'aws',
  label: 'Amazon EC2',
  errorName: 'AWS',
  mark: 'aws',
  background: '#232f3e',
  foreground: '#ff9900',
  credentials: Strict({
    accessKeyId: NonEmpty('Access key id (IAM user with EC2 permissions)', 128, {
      label: 'Access key ID',
      placeholder: 'AKIA…',
      mono: true,
    }),
    secretAccessKey: NonEmpty('Secret access key', 256, { widget: 'secret', label: 'Secret access key' }),
  }),
  config: Strict({
    regions: T.Optional(
      T.Array(T.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 64,
        description: 'Comma-separated. Leave empty to include every region enabled for the account.',
        ui: { widget: 'list', label: 'Regions', placeholder: 'us-east-1, eu-west-1' },
      }),
    ),
    imageOwners: T.Optional(
      T.Array(T.String({ maxLength: 64 }), {
        maxItems: 16,
        description: 'Account ids whose images the wizard offers besides Amazon’s.',
        ui: { widget: 'list', label: 'Image owners', advanced: true },
      }),
    ),
  }),
  endpoint: { overridable: true, placeholder: 'https://ec2.us-east-1.amazonaws.com' },
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
  docs: 'https://console.aws.amazon.com/iam/home#/users',
  titlePlaceholder: 'Production AWS',
  help: [
    'In the AWS console, open IAM → Users and choose (or create) a user for Overcast.',
    'Give it EC2 permissions: the AmazonEC2FullAccess policy, or AmazonEC2ReadOnlyAccess to only watch machines.',
    'Under Security credentials, choose Create access key. The secret is shown once: copy both here.',
  ],
  // us-east-1a -> us-east-1: prices are per region, machines sit in zones.
  regionOf: (location) => (/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(location) ? location.slice(0, -1) : location),
  // A stopped instance bills only its disks, which are priced as volumes.
  billsStoppedMachines: false,
} satisfies ProviderModule;
