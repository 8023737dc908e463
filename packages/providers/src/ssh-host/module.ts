import { features, type ProviderModule } from '@overcast/contracts';
import { destination, NonEmpty, OrgKeyId, Strict, sshLogin, T } from '../common/fields';

const SshHost = destination(
  Strict({
    name: T.Optional(T.String({ maxLength: 200 })),
    address: NonEmpty('Host name or IP address', 255),
    port: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
    username: NonEmpty('User to log in as', 64),
    hostKeyFingerprint: T.Optional(T.String({ maxLength: 200 })),
  }),
  'ssh',
);

export const sshHostModule = {
  kind: 'ssh_host',
  label: 'SSH hosts',
  errorName: 'The SSH host',
  mark: 'SSH',
  background: '#475569',
  foreground: '#ffffff',
  credentials: Strict(sshLogin),
  config: Strict({
    hosts: T.Array(SshHost, {
      minItems: 1,
      maxItems: 500,
      description: 'One per line: user@address or user@address:port, optionally followed by a name.',
      ui: {
        widget: 'list',
        label: 'Hosts',
        mono: true,
        lineFormat: '{username}@{address}[:{port}][ {name}]',
        placeholder: 'root@203.0.113.10 db-1\ndeploy@203.0.113.11:2222 web-1',
        order: 1,
      },
    }),
    sshKeyId: OrgKeyId,
  }),
  endpoint: { overridable: false },
  features: features({}),
  pricing: 'none',
  titlePlaceholder: 'Bare-metal servers',
  help: [
    'Any Linux server that Overcast can reach over SSH is listed as a machine.',
    'List the hosts one per line as user@address, user@address:port, optionally followed by a name.',
    'Overcast logs in with one of its keys (put its public half on every host), or with a private key or password you paste.',
  ],
  machinesFromConfig: true,
  logsInOverSsh: () => true,
} satisfies ProviderModule;
