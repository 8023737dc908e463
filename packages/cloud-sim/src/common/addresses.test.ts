// Every emulator, started with machines and asked on the wire as a client would: every address
// any answer holds (machines, NICs, networks, gateways; public and private; IPv4 and IPv6) must
// be on loopback, so nothing a test starts ever dials out of this host.

import { generateKeyPairSync, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureSim } from '../azure/index';
import { startDigitalOceanSim } from '../digitalocean/index';
import { startDockerSim } from '../docker/index';
import { startEc2Sim } from '../ec2/index';
import { call as ec2Call } from '../ec2/test-support/client';
import { startGceSim } from '../gce/index';
import { startHetznerSim } from '../hetzner/index';
import { startKubevirtSim } from '../kubevirt/index';
import { startLinodeSim } from '../linode/index';
import { startOpenStackSim } from '../openstack/index';
import { startProxmoxSim } from '../proxmox/index';
import { startVsphereSim } from '../vsphere/index';
import { startVultrSim } from '../vultr/index';
import { ADDRESS_EMULATORS, addressBlock, machineAddress } from './addresses';

const MACHINES = 12;

/** Every string in an answer that is an address (a CIDR's suffix dropped), with where it sits. */
function addressesIn(text: string): string[] {
  const found: string[] = [];
  const look = (s: string) => {
    const bare = s.trim().replace(/\/\d{1,3}$/, '');
    if (isIP(bare)) found.push(bare);
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') look(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      // A guest's own `lo` interface reports 127.0.0.1 as a real one does; drivers skip it by name.
      if ((v as { name?: unknown }).name === 'lo') return;
      // A netmask is no address.
      for (const [key, value] of Object.entries(v)) if (!/mask/i.test(key)) walk(value);
    }
  };
  if (text.trimStart().startsWith('<')) for (const m of text.matchAll(/>([^<]*)</g)) look(m[1]!);
  else walk(JSON.parse(text));
  return found;
}

const onLoopback = (a: string) => a === '::1' || (isIP(a) === 4 && a.startsWith('127.') && a !== '127.0.0.1');

function get(url: string, headers: Record<string, string> = {}, tls: { ca?: string } = {}): Promise<string> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { method: 'GET', headers, ...(tls.ca ? { ca: tls.ca } : { rejectUnauthorized: false }) },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`${url}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function post(url: string, body: string, type: string, tls: { ca?: string } = {}) {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<{ headers: Record<string, unknown>; json: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        u,
        { method: 'POST', headers: { 'content-type': type }, ...(tls.ca ? { ca: tls.ca } : {}) },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ headers: res.headers, json: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

const sims: { close(): Promise<void> }[] = [];
const answers = new Map<string, string[]>();

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

beforeAll(async () => {
  const keep = <T extends { close(): Promise<void> }>(s: T) => {
    sims.push(s);
    return s;
  };

  const ec2 = keep(await startEc2Sim({ seed: MACHINES, regions: ['us-east-1'] }));
  answers.set('ec2', [(await ec2Call(ec2.url, { Action: 'DescribeInstances', Version: '2016-11-15' })).body]);

  const digitalocean = keep(await startDigitalOceanSim({ accounts: [{ token: 'do', droplets: MACHINES }] }));
  const doAuth = { authorization: 'Bearer do', 'content-type': 'application/json' };
  const made = await fetch(`${digitalocean.url}/v2/droplets`, {
    method: 'POST',
    headers: doAuth,
    body: JSON.stringify({
      name: 'v6',
      region: 'nyc1',
      size: 's-1vcpu-1gb',
      image: 'ubuntu-24-04-x64',
      ipv6: true,
    }),
  });
  expect(made.status).toBe(202);
  answers.set('digitalocean', [await get(`${digitalocean.url}/v2/droplets?per_page=200`, doAuth)]);

  const email = 'sync@proj-a.iam.gserviceaccount.com';
  const gce = keep(
    await startGceSim({
      serviceAccounts: [{ email, projects: ['proj-a'], publicKey: keys.publicKey }],
      projects: [{ id: 'proj-a', instances: MACHINES }],
    }),
  );
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: email, aud: 'x', iat: now, exp: now + 3600 })}`;
  const assertion = `${claims}.${sign('RSA-SHA256', Buffer.from(claims), keys.privateKey).toString('base64url')}`;
  const gceToken = await post(
    gce.tokenUri,
    new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    'application/x-www-form-urlencoded',
  );
  answers.set('gce', [
    await get(`${gce.url}/compute/v1/projects/proj-a/aggregated/instances`, {
      authorization: `Bearer ${gceToken.json.access_token}`,
    }),
  ]);

  const tenantId = '11111111-2222-3333-4444-555555555555';
  const clientId = 'aaaaaaaa-0000-0000-0000-000000000001';
  const sub = '00000000-0000-0000-0000-00000000000a';
  const azure = keep(
    await startAzureSim({
      principals: [{ tenantId, clientId, secret: 'right', subscriptions: [sub] }],
      subscriptions: [{ id: sub, vms: MACHINES }],
    }),
  );
  const azureToken = await post(
    `${azure.url}/${tenantId}/oauth2/v2.0/token`,
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: 'right',
      scope: 'https://management.azure.com/.default',
    }).toString(),
    'application/x-www-form-urlencoded',
    { ca: azure.ca },
  );
  const azureAuth = { authorization: `Bearer ${azureToken.json.access_token}` };
  answers.set(
    'azure',
    await Promise.all(
      ['Compute/virtualMachines', 'Network/networkInterfaces', 'Network/publicIPAddresses'].map((kind) =>
        get(
          `${azure.url}/subscriptions/${sub}/providers/Microsoft.${kind}?api-version=2024-07-01`,
          azureAuth,
          {
            ca: azure.ca,
          },
        ),
      ),
    ),
  );

  const hetzner = keep(await startHetznerSim({ projects: [{ token: 'hz', servers: MACHINES }] }));
  answers.set('hetzner', [await get(`${hetzner.url}/v1/servers`, { authorization: 'Bearer hz' })]);
  const linode = keep(await startLinodeSim({ accounts: [{ token: 'li', linodes: MACHINES }] }));
  answers.set('linode', [await get(`${linode.url}/v4/linode/instances`, { authorization: 'Bearer li' })]);
  const vultr = keep(await startVultrSim({ accounts: [{ token: 'vu', instances: MACHINES }] }));
  answers.set('vultr', [await get(`${vultr.url}/v2/instances`, { authorization: 'Bearer vu' })]);

  const openstack = keep(
    await startOpenStackSim({
      projects: [{ name: 'demo', servers: MACHINES }],
      users: [{ name: 'demo', password: 'pw', projects: ['demo'] }],
    }),
  );
  const osToken = await post(
    `${openstack.url}/v3/auth/tokens`,
    JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'pw' } },
        },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    }),
    'application/json',
  );
  answers.set('openstack', [
    await get(`${openstack.url}/RegionOne/compute/v2.1/servers/detail`, {
      'x-auth-token': String(osToken.headers['x-subject-token']),
    }),
  ]);

  const proxmox = keep(
    await startProxmoxSim({ machines: MACHINES, tokens: [{ id: 'root@pam!t', secret: 's' }] }),
  );
  const pve = { authorization: 'PVEAPIToken=root@pam!t=s' };
  const guests = JSON.parse(await get(`${proxmox.url}/api2/json/cluster/resources?type=vm`, pve)).data as {
    type: string;
    vmid: number;
    node: string;
    status: string;
  }[];
  const proxmoxAnswers: string[] = [];
  for (const g of guests.filter((g) => g.status === 'running')) {
    const path = g.type === 'qemu' ? 'agent/network-get-interfaces' : 'interfaces';
    proxmoxAnswers.push(
      await get(`${proxmox.url}/api2/json/nodes/${g.node}/${g.type}/${g.vmid}/${path}`, pve).catch(
        () => '{}',
      ),
    );
  }
  answers.set('proxmox', proxmoxAnswers);

  const kubevirt = keep(await startKubevirtSim({ machines: MACHINES, tokens: [{ token: 'kv' }] }));
  answers.set('kubevirt', [
    await get(
      `${kubevirt.url}/apis/kubevirt.io/v1/virtualmachineinstances`,
      { authorization: 'Bearer kv' },
      {
        ca: kubevirt.ca,
      },
    ),
  ]);

  const vsphere = keep(
    await startVsphereSim({ machines: MACHINES, users: [{ username: 'a@vsphere.local', password: 'p' }] }),
  );
  const login = await new Promise<string>((resolve, reject) => {
    const basic = Buffer.from('a@vsphere.local:p').toString('base64');
    const req = httpsRequest(
      `${vsphere.url}/api/session`,
      { method: 'POST', headers: { authorization: `Basic ${basic}` }, rejectUnauthorized: false },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve(JSON.parse(text) as string));
      },
    );
    req.on('error', reject);
    req.end();
  });
  const vc = { 'vmware-api-session-id': login };
  const vms = JSON.parse(await get(`${vsphere.url}/api/vcenter/vm`, vc)) as { vm: string }[];
  const vsphereAnswers = [JSON.stringify(vms)];
  for (const { vm } of vms) {
    vsphereAnswers.push(await get(`${vsphere.url}/api/vcenter/vm/${vm}`, vc));
    vsphereAnswers.push(
      await get(`${vsphere.url}/api/vcenter/vm/${vm}/guest/identity`, vc).catch(() => '{}'),
    );
  }
  answers.set('vsphere', vsphereAnswers);

  const docker = keep(await startDockerSim({ tcpPort: 0 }));
  docker.engine.addImage('alpine:3.20');
  for (let i = 0; i < MACHINES; i++) {
    docker.engine.start(docker.engine.createContainer({ name: `c${i}`, image: 'alpine:3.20' }).id);
  }
  answers.set('docker', [await get(`${docker.tcpUrl}/v1.47/containers/json?all=1`)]);
}, 120_000);

afterAll(async () => {
  for (const s of sims) await s.close();
});

describe('emulated machines live on loopback', () => {
  it.each(ADDRESS_EMULATORS)('%s reports only 127.0.0.0/8 (never 127.0.0.1) and ::1', (emulator) => {
    const found = (answers.get(emulator) ?? []).flatMap(addressesIn);
    // Its machines did answer with addresses, so the check below checked something.
    expect(found.filter((a) => a !== '::1').length).toBeGreaterThanOrEqual(MACHINES / 2);
    expect(found.filter((a) => !onLoopback(a))).toEqual([]);
    // In its own blocks, so it collides with no other emulator nor the tests' own services.
    const blocks = [addressBlock(emulator, 'public'), addressBlock(emulator, 'private')];
    const inOwnBlock = (a: string) => {
      const b = Number(a.split('.')[1]);
      return blocks.some(([first, last]) => b >= first && b <= last);
    };
    expect(found.filter((a) => a !== '::1' && !inOwnBlock(a))).toEqual([]);
  });

  it('gives distinct addresses per machine, kind and emulator', () => {
    const seen = new Set<string>();
    for (const emulator of ADDRESS_EMULATORS)
      for (const kind of ['public', 'private'] as const)
        for (const n of [0, 1, 255, 65_535, 65_536, 100_000, 524_287])
          seen.add(machineAddress(emulator, kind, n));
    expect(seen.size).toBe(ADDRESS_EMULATORS.length * 2 * 7);
    expect([...seen].every(onLoopback)).toBe(true);
  });
});
