// Every provider whose machines an emulator in packages/cloud-sim lists, seeded with n machines
// through the emulator's own options, with what its driver needs to reach it (the endpoint
// override, on loopback). The budgets are raised so a 10k listing measures the client and the
// emulator, not a rate limiter's wait.
import { generateKeyPairSync } from 'node:crypto';
import {
  DEFAULT_SIM_REGIONS,
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  startAzureSim,
  startDigitalOceanSim,
  startEc2Sim,
  startGceSim,
  startHetznerSim,
  startKubevirtSim,
  startLinodeSim,
  startOpenStackSim,
  startProxmoxSim,
  startVsphereSim,
  startVultrSim,
} from '@overcast/cloud-sim';
import type { DriverInit } from '@overcast/contracts';
import type { PeerTarget } from './_peers';

/** An emulator holding n machines and the driver input that lists them. */
export interface Emulated {
  init: DriverInit<unknown>;
  /** What Apache Libcloud needs to list the same emulator, for the `extended` ones. */
  peer?: PeerTarget;
  close(): Promise<void>;
}

export interface Emulator {
  /** The name `--providers=` takes (the emulator's); the provider kind is accepted too. */
  name: string;
  /** The provider kind its driver is registered under. */
  kind: string;
  /**
   * Also in the full run's other parts: at 100k machines and listed against Apache Libcloud
   * (bench/_libcloud_list.py knows its API).
   */
  extended?: boolean;
  start(n: number): Promise<Emulated>;
}

const UNLIMITED = { limit: 1_000_000_000, windowMs: 3_600_000 };
const token = (name: string, n: number) => `bench-${name}-${n}`;

/** A provider whose API takes one bearer token (the emulator's name is the provider kind). */
function tokenApi(
  kind: string,
  start: (token: string, n: number) => Promise<{ url: string; close(): Promise<void> }>,
): Emulator {
  return {
    name: kind,
    kind,
    async start(n) {
      const key = token(kind, n);
      const sim = await start(key, n);
      return { init: { credentials: { token: key }, endpoint: sim.url }, close: () => sim.close() };
    },
  };
}

export const EMULATORS: readonly Emulator[] = [
  {
    name: 'ec2',
    kind: 'aws',
    extended: true,
    async start(n) {
      // Terminated instances stay listed for the whole run (EC2 drops them after a while): every
      // round, and every peer, must list the same fleet.
      const sim = await startEc2Sim({ seed: n, transitionMs: 0, terminatedRetentionMs: 3_600_000 });
      return {
        init: {
          credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
          endpoint: sim.url,
          config: { regions: DEFAULT_SIM_REGIONS },
        },
        peer: {
          provider: 'ec2',
          url: sim.url,
          key: EC2_SIM_ACCESS_KEY_ID,
          secret: EC2_SIM_SECRET_ACCESS_KEY,
          regions: DEFAULT_SIM_REGIONS,
        },
        close: () => sim.close(),
      };
    },
  },
  {
    name: 'gce',
    kind: 'gce',
    async start(n) {
      const project = 'bench-project';
      const email = `overcast@${project}.iam.gserviceaccount.com`;
      const keys = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const sim = await startGceSim({
        serviceAccounts: [{ email, projects: [project], publicKey: keys.publicKey }],
        projects: [{ id: project, instances: n, namePrefix: 'vm' }],
        provisionMs: 0,
        stopMs: 0,
        operationMs: 0,
      });
      const serviceAccount = {
        type: 'service_account',
        project_id: project,
        private_key_id: 'k1',
        private_key: keys.privateKey,
        client_email: email,
        token_uri: sim.tokenUri,
      };
      return { init: { credentials: { serviceAccount }, endpoint: sim.url }, close: () => sim.close() };
    },
  },
  {
    name: 'digitalocean',
    kind: 'digitalocean',
    extended: true,
    async start(n) {
      const key = token('do', n);
      const sim = await startDigitalOceanSim({
        accounts: [{ token: key, droplets: n }],
        rateLimit: UNLIMITED,
      });
      return {
        init: { credentials: { token: key }, endpoint: sim.url },
        peer: { provider: 'digitalocean', url: sim.url, key },
        close: () => sim.close(),
      };
    },
  },
  {
    name: 'azure',
    kind: 'azure',
    async start(n) {
      const principal = {
        tenantId: '00000000-0000-0000-0000-0000000000aa',
        clientId: '00000000-0000-0000-0000-0000000000bb',
        secret: 'bench~secret',
        subscriptions: ['00000000-0000-0000-0000-0000000000cc'],
      };
      const sim = await startAzureSim({
        principals: [principal],
        subscriptions: [{ id: principal.subscriptions[0]!, vms: n, namePrefix: 'vm' }],
        transitionMs: 0,
        readsPerWindow: UNLIMITED.limit,
      });
      return {
        init: {
          credentials: {
            tenantId: principal.tenantId,
            clientId: principal.clientId,
            clientSecret: principal.secret,
          },
          endpoint: sim.url,
          config: { authorityHost: sim.url, caCertificate: sim.ca, pricesEndpoint: sim.url },
        },
        close: () => sim.close(),
      };
    },
  },
  {
    name: 'openstack',
    kind: 'openstack',
    async start(n) {
      const sim = await startOpenStackSim({
        projects: [{ name: 'fleet', servers: n, namePrefix: 'vm' }],
        users: [{ name: 'ops', password: 'bench-password', projects: ['fleet'] }],
        rateLimit: UNLIMITED,
      });
      return {
        init: {
          credentials: {
            username: 'ops',
            password: 'bench-password',
            projectName: 'fleet',
            userDomainName: 'Default',
          },
          endpoint: sim.authUrl,
        },
        close: () => sim.close(),
      };
    },
  },
  {
    name: 'proxmox',
    kind: 'proxmox',
    async start(n) {
      const secret = '4f0c1b7e-9d2a-4e5b-8c3d-2a1f0e9d8c7b';
      const sim = await startProxmoxSim({ machines: n, tokens: [{ id: 'overcast@pve!bench', secret }] });
      return {
        init: {
          credentials: { apiToken: `overcast@pve!bench=${secret}` },
          endpoint: sim.url,
          config: { certificateFingerprint: sim.certificate.fingerprint },
        },
        close: () => sim.close(),
      };
    },
  },
  {
    name: 'vsphere',
    kind: 'vsphere',
    async start(n) {
      const user = { username: 'overcast@vsphere.local', password: 'Correct horse 1!' };
      const sim = await startVsphereSim({ machines: n, users: [user] });
      return {
        init: { credentials: user, endpoint: sim.url, config: { certificateFingerprint: sim.fingerprint } },
        close: () => sim.close(),
      };
    },
  },
  tokenApi('linode', (key, n) =>
    startLinodeSim({ accounts: [{ token: key, linodes: n }], rateLimit: UNLIMITED }),
  ),
  tokenApi('vultr', (key, n) =>
    startVultrSim({ accounts: [{ token: key, instances: n }], rateLimit: UNLIMITED }),
  ),
  tokenApi('hetzner', (key, n) =>
    startHetznerSim({ projects: [{ token: key, servers: n }], rateLimit: UNLIMITED }),
  ),
  {
    name: 'kubevirt',
    kind: 'kubevirt',
    async start(n) {
      const key = token('kubevirt', n);
      const sim = await startKubevirtSim({ machines: n, tokens: [{ token: key }], rateLimit: UNLIMITED });
      return { init: { credentials: { kubeconfig: sim.kubeconfig(key) } }, close: () => sim.close() };
    },
  },
];

/**
 * Providers with a driver but no emulated 10k inventory, and why: printed beside the table so a
 * missing row is explained rather than faked.
 */
export const NOT_AT_SCALE: readonly { kind: string; why: string }[] = [
  {
    kind: 'docker',
    why: 'one Docker engine runs the containers of one host, not a 10k-machine inventory',
  },
  {
    kind: 'libvirt',
    why: "one libvirt host (its tests use libvirt's test:///default driver, a handful of domains) is not a 10k-machine inventory",
  },
  { kind: 'ssh_host', why: 'an SSH host cloud is one machine per host' },
];

/** The emulators `--providers=` names (emulator names or provider kinds, or `all`). */
export function selectEmulators(arg: string | undefined, fallback: readonly string[] | 'all'): Emulator[] {
  const wanted = arg ? arg.split(',') : fallback;
  if (wanted === 'all' || wanted.includes('all')) return [...EMULATORS];
  return wanted.map((w) => {
    const found = EMULATORS.find((e) => e.name === w || e.kind === w);
    if (!found) {
      throw new Error(
        `--providers: no emulator "${w}"; one of all, ${EMULATORS.map((e) => e.name).join(', ')}`,
      );
    }
    return found;
  });
}
