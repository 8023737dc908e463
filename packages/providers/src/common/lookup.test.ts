// Every driver resolves the names it connects to through the lookup it is given (the outbound
// guard in production): a name the lookup refuses is never connected to, and a name only the
// lookup knows still reaches the emulator.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, isIP, type LookupFunction, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderDriver } from '@overcast/contracts';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { type DockerSim, startDockerSim } from '../../../cloud-sim/src/docker/index';
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { startHetznerSim } from '../../../cloud-sim/src/hetzner/index';
import { startLinodeSim } from '../../../cloud-sim/src/linode/index';
import { startVsphereSim } from '../../../cloud-sim/src/vsphere/index';
import { startVultrSim } from '../../../cloud-sim/src/vultr/index';
// Test-only reach into the guard and the emulators (providers depends on contracts only).
import { checkAddress, parseIp } from '../../../core/src/outbound/index';
import { createAwsDriver } from '../aws/index';
import { createDigitalOceanDriver } from '../digitalocean/index';
import { createDockerDriver } from '../docker/index';
import { createGceDriver } from '../gce/index';
import { createHetznerDriver } from '../hetzner/index';
import { createLibvirtDriver } from '../libvirt/index';
import { createLinodeDriver } from '../linode/index';
import { createSshHostDriver } from '../ssh-host/index';
import { createVsphereDriver } from '../vsphere/index';
import { createVultrDriver } from '../vultr/index';

/** A lookup that answers `address` for every name, judged by the real guard's cloud rule. */
function lookupTo(address: string) {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    try {
      checkAddress(hostname, parseIp(address)!, {
        purpose: 'cloud',
        actorRole: 'admin',
        rules: { allowed: [{ family: 4, base: 0x7f000000n, bits: 8 }] },
      });
    } catch (err) {
      callback(err as NodeJS.ErrnoException, '', 0);
      return;
    }
    const family = isIP(address);
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return { lookup, asked };
}

/** The cloud metadata address: refused whatever the role or settings (bar an explicit range). */
const METADATA = '169.254.169.254';
const REFUSAL = /localhost is a link-local address .*outbound\.allowPrivateNetworks/;

/** A loopback port that counts the connections it accepts: none may arrive for a refused name. */
let trap: Server;
let trapPort: number;
let trapped = 0;

let dir: string;
let doSim: DigitalOceanSim;
let ec2Sim: Ec2Sim;
let gceSim: GceSim;
let dockerSim: DockerSim;
let sshd: SshdHandle;
let sshKey: KeyPair;
const gceKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const GCE_EMAIL = 'sync@proj-a.iam.gserviceaccount.com';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'overcast-lookup-'));
  trap = createServer((socket) => {
    trapped++;
    socket.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapPort = (trap.address() as { port: number }).port;
  sshKey = await generateKeyPair();
  [doSim, ec2Sim, gceSim, dockerSim, sshd] = await Promise.all([
    startDigitalOceanSim({ accounts: [{ token: 'tok', droplets: 2, namePrefix: 'web' }] }),
    startEc2Sim({ regions: ['us-east-1'], seed: 2 }),
    startGceSim({
      serviceAccounts: [{ email: GCE_EMAIL, projects: ['proj-a'], publicKey: gceKeys.publicKey }],
      projects: [{ id: 'proj-a', instances: 2 }],
    }),
    startDockerSim({ socketPath: join(dir, 'docker.sock'), tcpPort: 0 }),
    startSshd({ authorizedKeys: [sshKey.publicKey] }),
  ]);
  dockerSim.engine.addImage('alpine:3.20');
  dockerSim.engine.createContainer({ name: 'web', image: 'alpine:3.20' });
});
afterAll(async () => {
  await Promise.all([doSim?.close(), ec2Sim?.close(), gceSim?.close(), dockerSim?.close(), sshd?.stop()]);
  await new Promise((r) => trap?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const portOf = (url: string) => new URL(url).port;

async function machines(driver: ProviderDriver): Promise<string[]> {
  const names: string[] = [];
  for await (const m of driver.listMachines(new AbortController().signal)) names.push(m.name);
  return names;
}

/** Runs `fn` and expects the guard's refusal, with nothing having reached the trap. */
async function refusedBeforeConnecting(fn: () => Promise<unknown>) {
  const before = trapped;
  await expect(fn()).rejects.toThrow(REFUSAL);
  expect(trapped - before).toBe(0);
}

const FAST_RETRY = { retryAttempts: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 5 };

describe('DigitalOcean', () => {
  const driver = (endpoint: string, lookup: LookupFunction) =>
    createDigitalOceanDriver({ credentials: { token: 'tok' }, endpoint, config: FAST_RETRY, lookup });

  it('never connects to a name its lookup refuses, and does not ask again', async () => {
    const { lookup, asked } = lookupTo(METADATA);
    await refusedBeforeConnecting(() => machines(driver(`http://localhost:${trapPort}`, lookup)));
    expect(asked).toEqual(['localhost']);
  });

  it('reaches the API at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const names = await machines(driver(`http://do-api.cloud.test:${portOf(doSim.url)}`, lookup));
    expect(names).toHaveLength(2);
    expect(asked).toContain('do-api.cloud.test');
  });
});

// The providers reached through the shared typed JSON client, each against its emulator.
const TOKEN_APIS = [
  {
    name: 'Hetzner Cloud',
    start: () => startHetznerSim({ projects: [{ token: 'tok', servers: 2 }] }),
    create: createHetznerDriver,
  },
  {
    name: 'Linode',
    start: () => startLinodeSim({ accounts: [{ token: 'tok', linodes: 2 }] }),
    create: createLinodeDriver,
  },
  {
    name: 'Vultr',
    start: () => startVultrSim({ accounts: [{ token: 'tok', instances: 2 }] }),
    create: createVultrDriver,
  },
];

for (const api of TOKEN_APIS) {
  describe(api.name, () => {
    let sim: Awaited<ReturnType<typeof api.start>>;
    beforeAll(async () => {
      sim = await api.start();
    });
    afterAll(() => sim?.close());
    const driver = (endpoint: string, lookup: LookupFunction) =>
      api.create({ credentials: { token: 'tok' }, endpoint, config: FAST_RETRY, lookup });

    it('never connects to a name its lookup refuses, and does not ask again', async () => {
      const { lookup, asked } = lookupTo(METADATA);
      await refusedBeforeConnecting(() => machines(driver(`http://localhost:${trapPort}`, lookup)));
      expect(asked).toEqual(['localhost']);
    });

    it('reaches the API at the address its lookup gives', async () => {
      const { lookup, asked } = lookupTo('127.0.0.1');
      const names = await machines(driver(`http://api.cloud.test:${portOf(sim.url)}`, lookup));
      expect(names).toHaveLength(2);
      expect(asked).toContain('api.cloud.test');
    });
  });
}

describe('VMware vSphere', () => {
  const user = { username: 'sync@vsphere.local', password: 'pw' };
  let sim: Awaited<ReturnType<typeof startVsphereSim>>;
  beforeAll(async () => {
    sim = await startVsphereSim({ machines: 2, users: [user] });
  });
  afterAll(() => sim?.close());
  const driver = (endpoint: string, lookup: LookupFunction) =>
    createVsphereDriver({ credentials: user, endpoint, config: FAST_RETRY, lookup });

  it('never connects to a name its lookup refuses, and does not ask again', async () => {
    const { lookup, asked } = lookupTo(METADATA);
    await refusedBeforeConnecting(() => machines(driver(`https://localhost:${trapPort}`, lookup)));
    expect(asked).toEqual(['localhost']);
  });

  it('reaches the API at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const names = await machines(driver(`https://vcenter.lab.test:${portOf(sim.url)}`, lookup));
    expect(names).toHaveLength(2);
    expect(asked).toContain('vcenter.lab.test');
  });
});

describe('AWS', () => {
  const driver = (endpoint: string, lookup: LookupFunction) =>
    createAwsDriver({
      credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: 'any' },
      endpoint,
      config: { regions: ['us-east-1'], retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
      lookup,
    });

  it('never connects to a name its lookup refuses, and does not ask again', async () => {
    const { lookup, asked } = lookupTo(METADATA);
    await refusedBeforeConnecting(() => machines(driver(`http://localhost:${trapPort}`, lookup)));
    expect(asked).toEqual(['localhost']);
  });

  it('reaches the API at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const names = await machines(driver(`http://ec2.cloud.test:${portOf(ec2Sim.url)}`, lookup));
    expect(names).toHaveLength(2);
    expect(asked).toContain('ec2.cloud.test');
  });
});

describe('Google Compute Engine', () => {
  const driver = (endpoint: string, tokenUri: string, lookup: LookupFunction) =>
    createGceDriver({
      credentials: {
        serviceAccount: {
          type: 'service_account',
          project_id: 'proj-a',
          private_key: gceKeys.privateKey,
          client_email: GCE_EMAIL,
          token_uri: tokenUri,
        },
      },
      endpoint,
      config: { ...FAST_RETRY, requestTimeoutMs: 5_000 },
      lookup,
    });

  it('never asks a token from, nor calls, a name its lookup refuses', async () => {
    const { lookup } = lookupTo(METADATA);
    const trapUrl = `http://localhost:${trapPort}`;
    await refusedBeforeConnecting(() => machines(driver(trapUrl, `${trapUrl}/token`, lookup)));
  });

  it('gets its token and lists at the addresses its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const api = `http://compute.cloud.test:${portOf(gceSim.url)}`;
    const token = new URL(gceSim.tokenUri);
    token.hostname = 'oauth.cloud.test';
    const names = await machines(driver(api, token.toString(), lookup));
    expect(names).toHaveLength(2);
    expect(asked).toEqual(expect.arrayContaining(['compute.cloud.test', 'oauth.cloud.test']));
  });
});

describe('Docker over TCP', () => {
  const driver = (host: string, lookup: LookupFunction) =>
    createDockerDriver({ credentials: {}, config: { host }, lookup });

  it('never connects to a name its lookup refuses', async () => {
    const { lookup } = lookupTo(METADATA);
    await refusedBeforeConnecting(() => driver(`tcp://localhost:${trapPort}`, lookup).validate());
  });

  it('reaches the engine at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const d = driver(`tcp://engine.cloud.test:${portOf(dockerSim.tcpUrl as string)}`, lookup);
    expect(await machines(d)).toContain('web');
    expect(asked).toContain('engine.cloud.test');
  });
});

describe('over SSH (SSH hosts, KVM hosts, Docker engines through SSH)', () => {
  const sshHost = (address: string, port: number, lookup: LookupFunction) =>
    createSshHostDriver({
      credentials: { privateKey: sshKey.privateKey },
      config: { hosts: [{ address, port, username: sshd.user }] },
      lookup,
    });

  it('never connects to a host name its lookup refuses', async () => {
    const { lookup } = lookupTo(METADATA);
    await refusedBeforeConnecting(() => sshHost('localhost', trapPort, lookup).validate());
    const kvm = createLibvirtDriver({
      credentials: { privateKey: sshKey.privateKey },
      config: { uri: 'qemu:///system', host: { address: 'localhost', port: trapPort, username: sshd.user } },
      lookup,
    });
    await refusedBeforeConnecting(() => machines(kvm));
    const engine = createDockerDriver({
      credentials: { privateKey: sshKey.privateKey },
      config: { host: `ssh://${sshd.user}@localhost:${trapPort}` },
      lookup,
    });
    await refusedBeforeConnecting(() => engine.validate());
    await engine.close();
  });

  it('logs in at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const names = await machines(sshHost('box.cloud.test', sshd.port, lookup));
    expect(names).toHaveLength(1);
    expect(asked).toContain('box.cloud.test');
  });
});
