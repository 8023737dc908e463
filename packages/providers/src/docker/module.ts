import { features, type ProviderModule } from '@overcast/contracts';
import { destination, HostKeyFingerprint, NonEmpty, Strict, sshLogin, T, Uuid } from '../common/fields';

const pem = (description: string, label: string, placeholder: string, order: number, help?: string) =>
  T.Optional(NonEmpty(description, 16_384, { widget: 'file', label, mono: true, placeholder, order, help }));

export const dockerModule = {
  kind: 'docker',
  label: 'Docker',
  errorName: 'The Docker engine',
  mark: 'DKR',
  background: '#1d63ed',
  foreground: '#ffffff',
  credentials: Strict({
    ca: pem(
      "ca.pem from DOCKER_CERT_PATH (the CA that signed the daemon's certificate)",
      'CA certificate (ca.pem)',
      '-----BEGIN CERTIFICATE-----',
      10,
      'TCP engines only.',
    ),
    cert: pem(
      'cert.pem from DOCKER_CERT_PATH (the client certificate)',
      'Client certificate (cert.pem)',
      '-----BEGIN CERTIFICATE-----',
      11,
    ),
    key: pem(
      'key.pem from DOCKER_CERT_PATH (the client private key)',
      'Client key (key.pem)',
      '-----BEGIN PRIVATE KEY-----',
      12,
    ),
    privateKey: pem(
      'Private key (OpenSSH or PEM)',
      'SSH private key',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      13,
      'For an ssh:// address only.',
    ),
    passphrase: T.Optional(T.String({ maxLength: 1024, ui: { ...sshLogin.passphrase.ui, advanced: true } })),
    password: T.Optional(T.String({ maxLength: 1024, ui: { ...sshLogin.password.ui, advanced: true } })),
  }),
  config: Strict({
    host: T.Optional(
      destination(
        NonEmpty(
          'DOCKER_HOST: unix:///var/run/docker.sock, tcp://host:2376 (with the three TLS files) or ssh://user@host (with an SSH key)',
          512,
          {
            label: 'Engine address (DOCKER_HOST)',
            mono: true,
            placeholder: 'unix:///var/run/docker.sock',
            help: 'unix://, tcp:// or ssh://user@host. Leave empty to go through a host chosen below.',
            order: 1,
          },
        ),
        'uri',
      ),
    ),
    sshMachineId: T.Optional(
      Uuid('Reach the engine over SSH through this machine, with the login Overcast has for it', {
        widget: 'machine',
        label: 'Or through an SSH host',
        help: 'Overcast logs in to it with the key it already has and talks to /var/run/docker.sock there.',
        order: 2,
      }),
    ),
    socketPath: T.Optional(
      NonEmpty('The engine socket on the SSH host; default /var/run/docker.sock', 512, {
        label: 'Socket path',
        mono: true,
        advanced: true,
      }),
    ),
    hostKeyFingerprint: HostKeyFingerprint,
  }),
  endpoint: { overridable: false },
  features: features({
    volumes: true,
    networks: true,
    containers: true,
    shell: 'exec',
    extraActions: ['pause', 'unpause'],
  }),
  pricing: 'none',
  docs: 'https://docs.docker.com/engine/security/protect-access/',
  titlePlaceholder: 'Build server engine',
  help: [
    'Give the engine address as DOCKER_HOST says it: unix:///var/run/docker.sock when Overcast runs on the same host (mount the socket into its containers), or tcp://host:2376 for a remote engine.',
    'A remote engine must be protected with TLS: paste ca.pem, cert.pem and key.pem from the DOCKER_CERT_PATH directory you use with the docker CLI.',
    'Containers show up as machines; you can start, stop, create them and open a shell inside them.',
  ],
  check(_credentials, config) {
    if (config.host || config.sshMachineId) return undefined;
    return 'config.host is required: the engine address (DOCKER_HOST), or config.sshMachineId to reach it through a machine Overcast logs in to.';
  },
  ownErrorCodes: true,
} satisfies ProviderModule;
