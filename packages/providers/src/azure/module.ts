// Microsoft Azure as a provider module: what the add-cloud form asks, what the provider can do and
// where its prices come from. No SDK here: the web app and the registry load it as it is.

import { features, type ProviderModule } from '@overcast/contracts';
import { NonEmpty, Strict, T, Uuid } from '../common/fields';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const GUID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

const credentials = Strict({
  tenantId: T.String({
    minLength: 1,
    maxLength: 256,
    pattern: `${GUID}|^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$`,
    description:
      'Directory (tenant) id: a GUID, or a domain such as contoso.onmicrosoft.com. In the portal: Microsoft Entra ID → Overview; `tenant` in the output of `az ad sp create-for-rbac`.',
    ui: { widget: 'text', label: 'Tenant ID', mono: true, placeholder: GUID_PLACEHOLDER, order: 1 },
  }),
  clientId: Uuid(
    'Application (client) id of the service principal: App registrations → your app → Overview; `appId` from `az ad sp create-for-rbac`.',
    { widget: 'text', label: 'Client ID', mono: true, placeholder: GUID_PLACEHOLDER, order: 2 },
  ),
  clientSecret: T.Optional(
    NonEmpty(
      "A client secret's value (not its id): App registrations → your app → Certificates & secrets; `password` from `az ad sp create-for-rbac`. Or use a certificate below.",
      1024,
      { widget: 'secret', label: 'Client secret', order: 3 },
    ),
  ),
  clientCertificate: T.Optional(
    NonEmpty(
      'Instead of a secret: a PEM file holding the certificate and its private key, as `az ad sp create-for-rbac --create-cert` writes it. Upload the certificate (public part) to the app registration.',
      32_768,
      {
        widget: 'file',
        label: 'Client certificate',
        mono: true,
        placeholder: '-----BEGIN PRIVATE KEY-----',
        order: 4,
      },
    ),
  ),
});

const config = Strict({
  subscriptionId: T.Optional(
    Uuid(
      'Manage only this subscription (Subscriptions in the portal). Leave empty for every subscription the service principal has a role on (Reader to see, Contributor to act).',
      { widget: 'text', label: 'Subscription ID', mono: true, placeholder: GUID_PLACEHOLDER, order: 5 },
    ),
  ),
  resourceGroup: T.Optional(
    T.String({
      minLength: 1,
      maxLength: 90,
      pattern: '^[-\\w._()]+$',
      description:
        'Resource group new machines, their network interfaces and IPs, and new disks go into. Default: overcast.',
      ui: { widget: 'text', label: 'Resource group', placeholder: 'overcast', order: 6 },
    }),
  ),
  subnetId: T.Optional(
    T.String({
      minLength: 1,
      maxLength: 1024,
      pattern:
        '^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+$',
      description:
        'Subnet new machines join (its resource id: Virtual networks → your network → Subnets → Properties). Needed to create machines.',
      ui: {
        widget: 'text',
        label: 'Subnet ID',
        mono: true,
        placeholder:
          '/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/default',
        order: 7,
      },
    }),
  ),
  publicIp: T.Optional(
    T.Boolean({
      description: 'Give new machines a public IP address. Default: yes.',
      ui: { widget: 'checkbox', label: 'Public IP address', order: 8 },
    }),
  ),
  adminUsername: T.Optional(
    T.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[a-z_][a-z0-9_-]*$',
      description: 'Login created on new Linux machines, with your SSH key. Default: azureuser.',
      ui: { widget: 'text', label: 'Admin user name', placeholder: 'azureuser', order: 9, advanced: true },
    }),
  ),
  authorityHost: T.Optional(
    T.String({
      pattern: '^https://',
      maxLength: 512,
      description:
        'Sign-in authority for sovereign or private clouds (Azure Government, Azure Stack Hub). Default: https://login.microsoftonline.com.',
      ui: {
        widget: 'text',
        label: 'Sign-in authority',
        placeholder: 'https://login.microsoftonline.com',
        order: 10,
        advanced: true,
      },
    }),
  ),
  audience: T.Optional(
    T.String({
      maxLength: 512,
      description:
        "The token scope of the cloud's Resource Manager, for sovereign and private clouds. Default: https://management.azure.com/.default.",
      ui: {
        widget: 'text',
        label: 'Token audience',
        placeholder: 'https://management.azure.com/.default',
        order: 11,
        advanced: true,
      },
    }),
  ),
  caCertificate: T.Optional(
    T.String({
      maxLength: 65_536,
      description:
        "PEM of the certificate authority a private cloud's endpoints use (Azure Stack Hub), trusted besides the public ones.",
      ui: {
        widget: 'textarea',
        label: 'CA certificate',
        mono: true,
        placeholder: '-----BEGIN CERTIFICATE-----',
        order: 12,
        advanced: true,
      },
    }),
  ),
  pricesEndpoint: T.Optional(
    T.String({
      maxLength: 512,
      description:
        'Where the Retail Prices API is. Default: https://prices.azure.com; empty turns prices off.',
      ui: {
        widget: 'text',
        label: 'Prices API',
        placeholder: 'https://prices.azure.com',
        order: 13,
        advanced: true,
      },
    }),
  ),
});

export const azureModule = {
  kind: 'azure',
  label: 'Microsoft Azure',
  mark: 'Az',
  background: '#0078d4',
  foreground: '#ffffff',
  credentials,
  config,
  endpoint: { overridable: true, placeholder: 'https://management.azure.com' },
  features: features({
    create: true,
    volumes: true,
    resize: true,
    snapshots: true,
    networks: true,
    subnets: true,
    firewalls: true,
    dns: true,
    extraActions: ['deallocate'],
  }),
  pricing: 'provider',
  // A powered-off VM keeps its hardware and bills as if running; deallocated, only its disks bill.
  unbilledStates: ['deallocating', 'deallocated'],
  docs: 'https://learn.microsoft.com/cli/azure/azure-cli-sp-tutorial-1',
  titlePlaceholder: 'Azure subscription',
  help: [
    'Make a service principal: `az ad sp create-for-rbac --name overcast --role Contributor --scopes /subscriptions/<id>` (Reader is enough to watch machines).',
    'Paste `tenant` as the tenant ID, `appId` as the client ID and `password` as the client secret; the secret is shown once.',
    'To create machines, give the subnet they join (Virtual networks → your network → Subnets → Properties → Resource ID).',
  ],
  check(creds, _config) {
    const secret = typeof creds.clientSecret === 'string' && creds.clientSecret.trim() !== '';
    const cert = typeof creds.clientCertificate === 'string' && creds.clientCertificate.trim() !== '';
    if (!secret && !cert) return 'Give a client secret or a client certificate.';
    if (secret && cert) return 'Give a client secret or a client certificate, not both.';
    if (cert && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(creds.clientCertificate as string))
      return 'The client certificate must be PEM holding both the certificate and its private key.';
    return undefined;
  },
  normalize(creds) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(creds)) out[k] = typeof v === 'string' ? v.trim() : v;
    return out;
  },
} satisfies ProviderModule;
