import { generateKeyPairSync } from 'node:crypto';
import { isFirewallDriver, type ProviderDriver } from '@overcast/contracts';
import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS, PROVIDER_REGISTRY } from '../src/registry';

// A module's features promise what its driver does: the web offers "New firewall" from
// `features.firewallsMade`, and the API answers it through the driver's createFirewall. Each
// driver is built here from credentials of the right shape (nothing is connected to) and its
// methods compared with what its module says.

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:9
users:
- name: u
  user:
    token: t
contexts:
- name: x
  context:
    cluster: c
    user: u
current-context: x
`;

/** Enough for each driver to be built; a provider added to the registry adds its line here. */
const INITS: Record<
  string,
  { credentials: Record<string, unknown>; config?: Record<string, unknown>; endpoint?: string }
> = {
  aws: { credentials: { accessKeyId: 'a', secretAccessKey: 's' } },
  gce: {
    credentials: {
      serviceAccount: {
        type: 'service_account',
        project_id: 'p',
        private_key: privateKey,
        client_email: 'x@p.iam.gserviceaccount.com',
      },
    },
  },
  azure: {
    credentials: {
      tenantId: '00000000-0000-0000-0000-0000000000aa',
      clientId: '00000000-0000-0000-0000-0000000000bb',
      clientSecret: 's',
    },
    config: { subscriptionId: '00000000-0000-0000-0000-0000000000cc' },
  },
  digitalocean: { credentials: { token: 't' } },
  hetzner: { credentials: { token: 't' } },
  linode: { credentials: { token: 't' } },
  vultr: { credentials: { token: 't' } },
  openstack: { credentials: { username: 'u', password: 'p' }, config: { authUrl: 'http://127.0.0.1:9/v3' } },
  proxmox: {
    credentials: { apiToken: 'root@pam!t=00000000-0000-0000-0000-000000000000' },
    endpoint: 'https://127.0.0.1:9',
  },
  vsphere: { credentials: { username: 'u', password: 'p' }, endpoint: 'https://127.0.0.1:9' },
  kubevirt: { credentials: { kubeconfig: KUBECONFIG } },
  libvirt: { credentials: { privateKey }, config: { uri: 'qemu:///system' } },
  docker: { credentials: {}, config: { host: 'tcp://127.0.0.1:9' } },
  ssh_host: { credentials: { privateKey }, config: { hosts: [{ address: '127.0.0.1', username: 'u' }] } },
};

const has = (driver: ProviderDriver, method: string) =>
  typeof (driver as unknown as Record<string, unknown>)[method] === 'function';

describe("each module's features, held to its driver", () => {
  it('has a way to build every registered driver', () => {
    expect(Object.keys(INITS).sort()).toEqual([...PROVIDER_KINDS].sort());
  });

  it.each(PROVIDER_REGISTRY.map((p) => [p.module.kind, p] as const))(
    '%s: firewalls and firewallsMade say what the driver has',
    async (kind, { module, driver: load }) => {
      const init = INITS[kind];
      if (!init) throw new Error(`no driver init for ${kind}`);
      const driver = (await load())({ config: {}, ...init });
      const makes = has(driver, 'createFirewall') && has(driver, 'deleteFirewall');
      expect(module.features.firewalls, 'features.firewalls').toBe(isFirewallDriver(driver));
      expect(module.features.firewallsMade, 'features.firewallsMade').toBe(makes);
      // Half of the pair would offer a firewall that cannot be deleted again (or the reverse).
      expect(has(driver, 'createFirewall')).toBe(has(driver, 'deleteFirewall'));
    },
  );
});
