// OpenStack as data: the add-cloud form (a Keystone v3 identity and where to find it), what the
// driver can do, and where prices come from. No SDK here: the web app and the registry load it.

import { type FieldUi, features, type ProviderModule } from '@overcast/contracts';
import { Strict, T as Type } from '../common/fields';

const name = (description: string, ui: FieldUi) =>
  Type.Optional(Type.String({ maxLength: 255, description, ui }));

const credentials = Strict({
  username: name('Your OpenStack user name, as in the dashboard (Horizon) or OS_USERNAME in openrc.', {
    widget: 'text',
    placeholder: 'demo',
    order: 1,
    label: 'User name',
  }),
  password: Type.Optional(
    Type.String({
      maxLength: 4096,
      description:
        'Your OpenStack password (OS_PASSWORD). Leave empty when you use an application credential.',
      ui: { widget: 'secret', order: 2, label: 'Password' },
    }),
  ),
  userDomainName: name(
    "The domain your user belongs to (OS_USER_DOMAIN_NAME). Empty means the cloud's Default domain.",
    { widget: 'text', placeholder: 'Default', order: 3, label: 'User domain' },
  ),
  projectName: name('The project (tenant) whose servers Overcast manages (OS_PROJECT_NAME).', {
    widget: 'text',
    placeholder: 'demo',
    order: 4,
    label: 'Project name',
  }),
  projectDomainName: name(
    "The domain the project belongs to (OS_PROJECT_DOMAIN_NAME), when it is not the user's own.",
    { widget: 'text', placeholder: 'Default', order: 5, label: 'Project domain' },
  ),
  applicationCredentialId: name(
    'An application credential instead of a password: its ID (Identity > Application Credentials in Horizon, or OS_APPLICATION_CREDENTIAL_ID).',
    { widget: 'text', order: 6, advanced: true, label: 'Application credential ID' },
  ),
  applicationCredentialSecret: Type.Optional(
    Type.String({
      maxLength: 4096,
      description:
        "The application credential's secret, shown once when it was made (OS_APPLICATION_CREDENTIAL_SECRET).",
      ui: { widget: 'secret', order: 7, advanced: true, label: 'Application credential secret' },
    }),
  ),
  applicationCredentialName: name(
    'An application credential named by name instead of ID; the user name and its domain are then needed too.',
    { widget: 'text', order: 8, advanced: true, label: 'Application credential name' },
  ),
  userId: name('Your user ID, instead of the name and domain (OS_USER_ID).', {
    widget: 'text',
    order: 9,
    advanced: true,
    label: 'User ID',
  }),
  userDomainId: name("The user's domain by ID (OS_USER_DOMAIN_ID), instead of its name.", {
    widget: 'text',
    order: 10,
    advanced: true,
    label: 'User domain ID',
  }),
  projectId: name('The project by ID (OS_PROJECT_ID), instead of its name and domain.', {
    widget: 'text',
    order: 11,
    advanced: true,
    label: 'Project ID',
  }),
  projectDomainId: name("The project's domain by ID (OS_PROJECT_DOMAIN_ID), instead of its name.", {
    widget: 'text',
    order: 12,
    advanced: true,
    label: 'Project domain ID',
  }),
});

const config = Strict({
  authUrl: Type.String({
    minLength: 1,
    maxLength: 2048,
    description:
      "Keystone's address (OS_AUTH_URL in openrc, or Horizon > API Access > Identity). With or without /v3; Overcast speaks Identity v3 only.",
    ui: { widget: 'text', placeholder: 'https://keystone.example.com:5000/v3', order: 0, label: 'Auth URL' },
  }),
  region: Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'The region to manage (OS_REGION_NAME). Needed when the cloud has more than one.',
      ui: { widget: 'text', placeholder: 'RegionOne', order: 13, label: 'Region' },
    }),
  ),
  interface: Type.Optional(
    Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('admin')], {
      description:
        "Which of the catalog's endpoints to use (OS_INTERFACE). Public unless Overcast runs inside the cloud.",
      ui: { widget: 'select', order: 14, advanced: true, label: 'Endpoint interface' },
    }),
  ),
  networkId: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        "The ID of the network new servers join. Empty: the project's only network, as Nova picks it.",
      ui: { widget: 'text', order: 15, advanced: true, label: 'Network ID' },
    }),
  ),
});

const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

export const openstackModule = {
  kind: 'openstack',
  label: 'OpenStack',
  mark: 'OS',
  background: '#DA1A32',
  foreground: '#FFFFFF',
  credentials,
  config,
  // The auth URL is part of the form; the catalog gives every other address.
  endpoint: { overridable: false },
  features: features({
    // Designate is optional in an OpenStack cloud: only clouds whose catalog names it have DNS.
    dns: 'catalog',
    create: true,
    volumes: true,
    resize: true,
    snapshots: true,
    networks: true,
    subnets: true,
    firewalls: true,
  }),
  // OpenStack has no price API and every cloud prices its own way: costs come from the
  // cloud's cost override or a machine's cost_per_month tag.
  pricing: 'none',
  docs: 'https://docs.openstack.org/keystone/latest/user/application_credentials.html',
  titlePlaceholder: 'OpenStack project',
  help: [
    'In the dashboard (Horizon), open Project → API Access and download the OpenStack RC file: it names the auth URL, region, user, project and their domains.',
    'Paste those here with your password, or better, make an application credential (Identity → Application Credentials) and paste its ID and secret.',
  ],
  check(c, cfg) {
    const url = typeof cfg.authUrl === 'string' ? cfg.authUrl.trim() : '';
    if (!/^https?:\/\/[^/\s]+/i.test(url))
      return 'The auth URL must be an http(s) address, e.g. https://keystone.example.com:5000/v3.';
    if (/\/v2\.0\/?$/.test(url))
      return "The auth URL is Keystone's v2.0 API: Overcast speaks Identity v3, use the address ending in /v3.";
    const app = filled(c.applicationCredentialId) || filled(c.applicationCredentialName);
    if (app) {
      if (!filled(c.applicationCredentialSecret)) return "Paste the application credential's secret.";
      if (!filled(c.applicationCredentialId) && !filled(c.username) && !filled(c.userId))
        return 'An application credential named by name needs the user name (or user ID) too.';
      return undefined;
    }
    if (!filled(c.username) && !filled(c.userId))
      return 'Give the user name (or user ID), or an application credential.';
    if (!filled(c.password)) return 'Give the password, or an application credential.';
    if (!filled(c.projectName) && !filled(c.projectId))
      return 'Give the project name (or project ID) to manage.';
    return undefined;
  },
  normalize(c) {
    // Blank fields are absent, so "Default" applies and an ID never shadows a name with "".
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) {
      if (typeof v !== 'string') continue;
      const value = k === 'password' || k === 'applicationCredentialSecret' ? v : v.trim();
      if (value !== '') out[k] = value;
    }
    return out;
  },
} satisfies ProviderModule;
