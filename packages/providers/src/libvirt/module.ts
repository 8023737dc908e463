import { features, type ProviderModule } from '@overcast/contracts';
import { destination, HostKeyFingerprint, NonEmpty, OrgKeyId, Strict, sshLogin, T } from '../common/fields';

export const libvirtModule = {
  kind: 'libvirt',
  label: 'KVM (libvirt)',
  errorName: 'The KVM host',
  mark: 'KVM',
  background: '#6d3fc0',
  foreground: '#ffffff',
  credentials: Strict(sshLogin),
  config: Strict({
    uri: destination(
      NonEmpty('libvirt connection URI, e.g. qemu:///system', 512, {
        label: 'libvirt URI',
        placeholder: 'qemu:///system',
        mono: true,
        help: 'For the system daemon: qemu:///system.',
        order: 1,
      }),
      'uri',
    ),
    host: T.Optional(
      destination(
        Strict(
          {
            address: NonEmpty('KVM host address', 255, {
              label: 'Host address',
              placeholder: 'kvm1.example.com',
            }),
            port: T.Optional(
              T.Integer({ minimum: 1, maximum: 65535, ui: { label: 'SSH port', placeholder: '22' } }),
            ),
            username: NonEmpty('User on the KVM host', 64, { label: 'SSH user', placeholder: 'overcast' }),
          },
          {
            description:
              'The KVM host Overcast logs in to over SSH; leave empty for libvirt on this machine.',
            ui: { widget: 'group', label: 'KVM host', order: 2 },
          },
        ),
        'ssh',
      ),
    ),
    hostKeyFingerprint: HostKeyFingerprint,
    sshKeyId: OrgKeyId,
  }),
  endpoint: { overridable: false },
  features: features({
    create: true,
    resize: true,
    snapshots: true,
    clone: true,
    volumes: true,
    networks: true,
    console: 'graphical',
  }),
  pricing: 'none',
  titlePlaceholder: 'KVM rack 1',
  help: [
    'Overcast connects to the KVM host over SSH and uses libvirt there.',
    'Use a user in the libvirt group on the host; Overcast logs in with one of its keys, or a private key or password you paste.',
    'For the system daemon the URI is qemu:///system.',
  ],
  logsInOverSsh: (config) => Boolean(config.host),
} satisfies ProviderModule;
