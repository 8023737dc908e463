import { type ApiError, errorField } from '../api/errors';
import type { CloudProvider } from '../api/types';

/** One input of a provider's form; `target` says where its value goes in the request. */
export interface FieldSpec {
  name: string;
  label: string;
  target: 'credentials' | 'config';
  /**
   * `machine`: a choice among the SSH hosts Overcast already logs in to; `orgKey`: one of the
   * organization's SSH keys.
   */
  kind?: 'text' | 'secret' | 'textarea' | 'number' | 'machine' | 'orgKey';
  required?: boolean;
  placeholder?: string;
  hint?: string;
  mono?: boolean;
  /** Lets the user load the value from a file (a key file). */
  file?: boolean;
}

export interface ProviderForm {
  /** Where to find the keys, in steps. */
  help: string[];
  helpLink?: { href: string; label: string };
  fields: FieldSpec[];
  titlePlaceholder: string;
}

const sshAuth: FieldSpec[] = [
  { name: 'sshKeyId', label: 'Overcast key', target: 'config', kind: 'orgKey' },
  {
    name: 'privateKey',
    label: 'Private key',
    target: 'credentials',
    kind: 'textarea',
    mono: true,
    file: true,
    placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
    hint: 'Instead of an Overcast key: OpenSSH or PEM.',
  },
  {
    name: 'passphrase',
    label: 'Key passphrase',
    target: 'credentials',
    kind: 'secret',
    hint: 'Only if the key has one.',
  },
  { name: 'password', label: 'Password', target: 'credentials', kind: 'secret', hint: 'Instead of a key.' },
];

export const PROVIDER_FORMS: Record<CloudProvider, ProviderForm> = {
  aws: {
    titlePlaceholder: 'Production AWS',
    help: [
      'In the AWS console, open IAM → Users and choose (or create) a user for Overcast.',
      'Give it EC2 permissions: the AmazonEC2FullAccess policy, or AmazonEC2ReadOnlyAccess to only watch machines.',
      'Under Security credentials, choose Create access key. The secret is shown once: copy both here.',
    ],
    helpLink: { href: 'https://console.aws.amazon.com/iam/home#/users', label: 'Open IAM users' },
    fields: [
      {
        name: 'accessKeyId',
        label: 'Access key ID',
        target: 'credentials',
        required: true,
        placeholder: 'AKIA…',
        mono: true,
      },
      {
        name: 'secretAccessKey',
        label: 'Secret access key',
        target: 'credentials',
        kind: 'secret',
        required: true,
      },
      {
        name: 'regions',
        label: 'Regions',
        target: 'config',
        placeholder: 'us-east-1, eu-west-1',
        hint: 'Comma-separated. Leave empty to include every region enabled for the account.',
      },
    ],
  },
  gce: {
    titlePlaceholder: 'Google Cloud production',
    help: [
      'In the Google Cloud console, open IAM & Admin → Service Accounts and create one for Overcast.',
      'Grant it the Compute Admin role (Compute Viewer to only watch machines).',
      'Open the account → Keys → Add key → Create new key → JSON, then paste or load the downloaded file.',
    ],
    helpLink: {
      href: 'https://console.cloud.google.com/iam-admin/serviceaccounts',
      label: 'Open service accounts',
    },
    fields: [
      {
        name: 'serviceAccount',
        label: 'Service account key (JSON)',
        target: 'credentials',
        kind: 'textarea',
        required: true,
        mono: true,
        file: true,
        placeholder: '{ "type": "service_account", "project_id": "…", … }',
      },
      {
        name: 'project',
        label: 'Project ID',
        target: 'config',
        hint: "Leave empty to use the key's own project.",
      },
    ],
  },
  digitalocean: {
    titlePlaceholder: 'DigitalOcean',
    help: [
      'In the DigitalOcean control panel, open API → Tokens.',
      'Choose Generate New Token with read and write scope (read only is enough to watch machines).',
      'The token is shown once: copy it here.',
    ],
    helpLink: { href: 'https://cloud.digitalocean.com/account/api/tokens', label: 'Open API tokens' },
    fields: [
      {
        name: 'token',
        label: 'Personal access token',
        target: 'credentials',
        kind: 'secret',
        required: true,
        placeholder: 'dop_v1_…',
      },
    ],
  },
  libvirt: {
    titlePlaceholder: 'KVM rack 1',
    help: [
      'Overcast connects to the KVM host over SSH and uses libvirt there.',
      'Use a user in the libvirt group on the host; Overcast logs in with one of its keys, or a private key or password you paste.',
      'For the system daemon the URI is qemu:///system.',
    ],
    fields: [
      {
        name: 'uri',
        label: 'libvirt URI',
        target: 'config',
        required: true,
        placeholder: 'qemu:///system',
        mono: true,
      },
      { name: 'hostAddress', label: 'Host address', target: 'config', placeholder: 'kvm1.example.com' },
      { name: 'hostUsername', label: 'SSH user', target: 'config', placeholder: 'overcast' },
      { name: 'hostPort', label: 'SSH port', target: 'config', kind: 'number', placeholder: '22' },
      ...sshAuth,
    ],
  },
  docker: {
    titlePlaceholder: 'Build server engine',
    help: [
      'Give the engine address as DOCKER_HOST says it: unix:///var/run/docker.sock when Overcast runs on the same host (mount the socket into its containers), or tcp://host:2376 for a remote engine.',
      'A remote engine must be protected with TLS: paste ca.pem, cert.pem and key.pem from the DOCKER_CERT_PATH directory you use with the docker CLI.',
      'Containers show up as machines; you can start, stop, create them and open a shell inside them.',
    ],
    helpLink: {
      href: 'https://docs.docker.com/engine/security/protect-access/',
      label: 'Protecting the daemon socket',
    },
    fields: [
      {
        name: 'host',
        label: 'Engine address (DOCKER_HOST)',
        target: 'config',
        mono: true,
        placeholder: 'unix:///var/run/docker.sock',
        hint: 'unix://, tcp:// or ssh://user@host. Leave empty to go through a host chosen below.',
      },
      {
        name: 'sshMachineId',
        label: 'Or through an SSH host',
        target: 'config',
        kind: 'machine',
        hint: 'Overcast logs in to it with the key it already has and talks to /var/run/docker.sock there.',
      },
      {
        name: 'ca',
        label: 'CA certificate (ca.pem)',
        target: 'credentials',
        kind: 'textarea',
        mono: true,
        file: true,
        placeholder: '-----BEGIN CERTIFICATE-----',
        hint: 'TCP engines only.',
      },
      {
        name: 'cert',
        label: 'Client certificate (cert.pem)',
        target: 'credentials',
        kind: 'textarea',
        mono: true,
        file: true,
        placeholder: '-----BEGIN CERTIFICATE-----',
      },
      {
        name: 'key',
        label: 'Client key (key.pem)',
        target: 'credentials',
        kind: 'textarea',
        mono: true,
        file: true,
        placeholder: '-----BEGIN PRIVATE KEY-----',
      },
      {
        name: 'privateKey',
        label: 'SSH private key',
        target: 'credentials',
        kind: 'textarea',
        mono: true,
        file: true,
        placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
        hint: 'For an ssh:// address only.',
      },
    ],
  },
  ssh_host: {
    titlePlaceholder: 'Bare-metal servers',
    help: [
      'Any Linux server that Overcast can reach over SSH is listed as a machine.',
      'List the hosts one per line as user@address, user@address:port, optionally followed by a name.',
      'Overcast logs in with one of its keys (put its public half on every host), or with a private key or password you paste.',
    ],
    fields: [
      {
        name: 'hosts',
        label: 'Hosts',
        target: 'config',
        kind: 'textarea',
        required: true,
        mono: true,
        placeholder: 'root@203.0.113.10 db-1\ndeploy@203.0.113.11:2222 web-1',
      },
      ...sshAuth,
    ],
  },
};

export type FormValues = Record<string, string>;

/** Builds credentials and config for the API from the form's text fields. */
export function buildRequest(
  provider: CloudProvider,
  values: FormValues,
): {
  credentials: Record<string, unknown>;
  config: Record<string, unknown>;
  error?: { field: string; message: string };
} {
  const credentials: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  const v = (name: string) => (values[name] ?? '').trim();
  for (const field of PROVIDER_FORMS[provider].fields) {
    if (field.target !== 'credentials') continue;
    const raw = field.kind === 'textarea' ? (values[field.name] ?? '') : v(field.name);
    if (raw.trim()) credentials[field.name] = field.name === 'privateKey' ? `${raw.trim()}\n` : raw.trim();
  }
  switch (provider) {
    case 'aws': {
      const regions = v('regions')
        .split(/[\s,]+/)
        .filter(Boolean);
      if (regions.length) config.regions = regions;
      break;
    }
    case 'gce':
      if (v('project')) config.project = v('project');
      break;
    case 'docker': {
      if (v('host')) config.host = v('host');
      if (v('sshMachineId')) config.sshMachineId = v('sshMachineId');
      if (!v('host') && !v('sshMachineId')) {
        return {
          credentials,
          config,
          error: {
            field: 'host',
            message: 'Give the engine address, or choose an SSH host to reach it through.',
          },
        };
      }
      const tls = ['ca', 'cert', 'key'].filter((name) => credentials[name]);
      if (tls.length > 0 && tls.length < 3) {
        const missing = ['ca', 'cert', 'key'].find((name) => !credentials[name]) as string;
        return {
          credentials,
          config,
          error: { field: missing, message: 'TLS needs all three files: ca.pem, cert.pem and key.pem.' },
        };
      }
      break;
    }
    case 'libvirt': {
      if (v('uri')) config.uri = v('uri');
      if (v('hostAddress') || v('hostUsername')) {
        if (!v('hostAddress'))
          return {
            credentials,
            config,
            error: { field: 'hostAddress', message: 'Give the host address too.' },
          };
        if (!v('hostUsername'))
          return { credentials, config, error: { field: 'hostUsername', message: 'Give the SSH user too.' } };
        const host: Record<string, unknown> = { address: v('hostAddress'), username: v('hostUsername') };
        if (v('hostPort')) host.port = Number(v('hostPort'));
        config.host = host;
        if (v('sshKeyId')) config.sshKeyId = v('sshKeyId');
      }
      break;
    }
    case 'ssh_host': {
      const hosts = [];
      for (const [i, line] of (values.hosts ?? '').split('\n').entries()) {
        const text = line.trim();
        if (!text) continue;
        const match = /^([^@\s]+)@(\[[^\]]+\]|[^:\s]+)(?::(\d+))?(?:\s+(.+))?$/.exec(text);
        if (!match) {
          return {
            credentials,
            config,
            error: {
              field: 'hosts',
              message: `Line ${i + 1}: write user@address or user@address:port, then an optional name.`,
            },
          };
        }
        const [, username, address, port, name] = match;
        hosts.push({
          username,
          address: address!.replace(/^\[|\]$/g, ''),
          ...(port ? { port: Number(port) } : {}),
          ...(name ? { name: name.trim() } : {}),
        });
      }
      if (hosts.length) config.hosts = hosts;
      if (v('sshKeyId')) config.sshKeyId = v('sshKeyId');
      break;
    }
    default:
      break;
  }
  return { credentials, config };
}

/** The form's text for a stored config (editing a cloud). */
export function valuesFromConfig(provider: CloudProvider, config: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  if (provider === 'aws' && Array.isArray(config.regions)) values.regions = config.regions.join(', ');
  if (provider === 'gce' && typeof config.project === 'string') values.project = config.project;
  if (provider === 'docker') {
    if (typeof config.sshMachineId === 'string') values.sshMachineId = config.sshMachineId;
    else if (typeof config.host === 'string') values.host = config.host;
  }
  if (provider === 'libvirt') {
    if (typeof config.uri === 'string') values.uri = config.uri;
    const host = config.host as { address?: string; username?: string; port?: number } | undefined;
    if (host?.address) values.hostAddress = host.address;
    if (host?.username) values.hostUsername = host.username;
    if (host?.port) values.hostPort = String(host.port);
  }
  if ((provider === 'ssh_host' || provider === 'libvirt') && typeof config.sshKeyId === 'string')
    values.sshKeyId = config.sshKeyId;
  if (provider === 'ssh_host' && Array.isArray(config.hosts)) {
    values.hosts = (config.hosts as { username: string; address: string; port?: number; name?: string }[])
      .map((h) => `${h.username}@${h.address}${h.port ? `:${h.port}` : ''}${h.name ? ` ${h.name}` : ''}`)
      .join('\n');
  }
  return values;
}

/** Which form field an API error is about: `body.credentials.token`, `body.config.host`, `body.title`. */
export function cloudFieldOf(error: unknown): string | null {
  const field = errorField(error, ['title', 'credentials', 'config']);
  if (field !== 'credentials' && field !== 'config') return field;
  const name = (error as ApiError).field?.split('.')[2];
  if (!name) return null;
  return name === 'host' ? 'hostAddress' : name;
}
