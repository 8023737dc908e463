import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { sealCredentials } from '@overcast/core/clouds';
import { collectMetrics } from '@overcast/core/monitoring';
import { pollCloud } from '@overcast/core/polling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrgWithUser, login, startTestApi, type TestApi } from './support/harness';

// Requests Overcast makes to addresses people give it. `strict` runs with the default settings
// (nothing private reachable); `allowing` opens loopback, as the test setup does for every api.
// Refused addresses other than loopback are never connected to: the guard refuses first.

let strict: TestApi;
let allowing: TestApi;
let sim: DigitalOceanSim;
const TOKEN = 'do-token-outbound-test';
const hex = () => randomBytes(4).toString('hex');

/** An HTTP server on loopback that records what reaches it. */
async function recorder(
  handle: (req: IncomingMessage) => { status: number; body?: string; location?: string },
) {
  const seen: { url: string; authorization?: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    const out = handle(req);
    res.writeHead(out.status, out.location ? { location: out.location } : {}).end(out.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    seen,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  strict = await startTestApi({ OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '' });
  allowing = await startTestApi();
  sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: 2, namePrefix: 'web' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
});
afterAll(async () => {
  await sim.close();
  await strict.close();
  await allowing.close();
});

async function session(api: TestApi) {
  const owner = await createOrgWithUser(api.db);
  const member = await addMember(api, owner.organizationId, 'member');
  return { owner, ownerCookie: await login(api, owner), member };
}

const call = (api: TestApi, cookie: string, method: string, url: string, payload?: unknown) =>
  api.app.inject({
    method: method as 'GET',
    url,
    headers: { cookie },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('webhooks', () => {
  it('are refused when they point at loopback (any spelling), metadata or private addresses, and nothing is saved', async () => {
    const { owner, ownerCookie, member } = await session(strict);
    const receiver = await recorder(() => ({ status: 200 }));
    try {
      const p = receiver.port;
      for (const url of [
        `http://127.0.0.1:${p}/hook`,
        `http://[::ffff:127.0.0.1]:${p}/hook`,
        `http://[::ffff:7f00:1]:${p}/hook`,
        `http://2130706433:${p}/hook`,
        `http://0x7f.1:${p}/hook`,
        `http://0177.0.0.1:${p}/hook`,
        `http://localhost:${p}/hook`,
        `http://[::1]:${p}/hook`,
        `http://0.0.0.0:${p}/hook`,
        `http://[::]:${p}/hook`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.5/hook',
        'http://192.168.1.10/hook',
      ]) {
        for (const cookie of [member.cookie, ownerCookie]) {
          const res = await call(strict, cookie, 'POST', '/api/v1/notification-channels', {
            kind: 'webhook',
            name: `hook-${hex()}`,
            url,
          });
          expect(res.statusCode, url).toBe(400);
          expect(res.json().error.code).toBe('outbound_address_refused');
          expect(res.json().error.message).toMatch(/outbound\.allowPrivateNetworks/);
        }
      }
      expect(
        await strict.db.prisma.notificationChannel.count({ where: { organizationId: owner.organizationId } }),
      ).toBe(0);

      // A public name that does not resolve here is saved (it is judged when used); moving it
      // to loopback later is refused the same way.
      const saved = await call(strict, member.cookie, 'POST', '/api/v1/notification-channels', {
        kind: 'webhook',
        name: 'public',
        url: 'https://hooks.example.invalid/overcast',
      });
      expect(saved.statusCode, saved.body).toBe(201);
      const moved = await call(
        strict,
        member.cookie,
        'PATCH',
        `/api/v1/notification-channels/${saved.json().id}`,
        {
          url: `http://2130706433:${p}/hook`,
        },
      );
      expect(moved.statusCode).toBe(400);
      const row = await strict.db.prisma.notificationChannel.findUniqueOrThrow({
        where: { id: saved.json().id },
      });
      expect((row.config as { url: string }).url).toBe('https://hooks.example.invalid/overcast');
      expect(receiver.seen).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('a channel saved with a loopback address is not delivered to under the default settings', async () => {
    const { owner, member } = await session(strict);
    const receiver = await recorder(() => ({ status: 200 }));
    try {
      const channel = await strict.db.prisma.notificationChannel.create({
        data: {
          organizationId: owner.organizationId,
          kind: 'webhook',
          name: 'old hook',
          config: { url: `http://127.0.0.1:${receiver.port}/hook` },
        },
      });
      const res = await call(
        strict,
        member.cookie,
        'POST',
        `/api/v1/notification-channels/${channel.id}/test`,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ ok: false, message: expect.stringMatching(/loopback/) });
      expect(receiver.seen).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('a channel test says the same whether the port is closed, answers non-2xx or is not HTTP', async () => {
    const { member } = await session(allowing);
    const notFound = await recorder(() => ({ status: 404 }));
    const raw = createTcpServer((socket) => {
      socket.resume();
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    const ok = await recorder(() => ({ status: 204 }));
    try {
      const messages: string[] = [];
      for (const port of [await closedPort(), notFound.port, (raw.address() as AddressInfo).port]) {
        const created = await call(allowing, member.cookie, 'POST', '/api/v1/notification-channels', {
          kind: 'webhook',
          name: `probe-${hex()}`,
          url: `http://127.0.0.1:${port}/hook`,
        });
        expect(created.statusCode, created.body).toBe(201);
        const res = await call(
          allowing,
          member.cookie,
          'POST',
          `/api/v1/notification-channels/${created.json().id}/test`,
        );
        expect(res.json().ok).toBe(false);
        messages.push(res.json().message);
      }
      expect(new Set(messages).size).toBe(1);
      expect(messages[0]).toMatch(/could not be delivered/);
      expect(messages[0]).not.toMatch(/ECONNREFUSED|404|socket|parse/i);

      // With loopback allowed in settings, a working receiver gets the test.
      const good = await call(allowing, member.cookie, 'POST', '/api/v1/notification-channels', {
        kind: 'webhook',
        name: `good-${hex()}`,
        url: `http://localhost:${ok.port}/hook`,
      });
      const sent = await call(
        allowing,
        member.cookie,
        'POST',
        `/api/v1/notification-channels/${good.json().id}/test`,
      );
      expect(sent.json().ok).toBe(true);
      expect(ok.seen).toHaveLength(1);
    } finally {
      await notFound.close();
      await ok.close();
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });
});

describe('node_exporter URLs', () => {
  async function machineIn(api: TestApi, organizationId: string, nodeExporterUrl: string | null = null) {
    const cloud = await api.db.prisma.cloud.create({
      data: { organizationId, provider: 'ssh_host', title: `hosts-${hex()}`, credentials: Buffer.from('x') },
    });
    return api.db.prisma.machine.create({
      data: {
        organizationId,
        cloudId: cloud.id,
        externalId: `m-${hex()}`,
        name: `db-${hex()}`,
        state: 'running',
        ...(nodeExporterUrl
          ? { monitoringEnabled: true, monitoringMethod: 'node_exporter', nodeExporterUrl }
          : {}),
      },
    });
  }

  it('are refused for loopback, metadata and private addresses under the default settings', async () => {
    const { owner, member } = await session(strict);
    const machine = await machineIn(strict, owner.organizationId);
    for (const url of [
      'http://127.0.0.1:9100/metrics',
      'http://[::ffff:127.0.0.1]:9100/metrics',
      'http://2130706433:9100/metrics',
      'http://localhost:9100/metrics',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5:9100/metrics',
    ]) {
      const res = await call(strict, member.cookie, 'PUT', `/api/v1/machines/${machine.id}/monitoring`, {
        enabled: true,
        method: 'node_exporter',
        nodeExporterUrl: url,
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('outbound_address_refused');
    }
    const row = await strict.db.prisma.machine.findUniqueOrThrow({ where: { id: machine.id } });
    expect(row).toMatchObject({ monitoringEnabled: false, nodeExporterUrl: null });
  });

  it('are scraped without following redirects, and a failure says the same whatever the port does', async () => {
    const { owner } = await session(allowing);
    const metrics = await recorder(() => ({ status: 200, body: 'node_load1 0.5\n' }));
    const redirecting = await recorder(() => ({
      status: 302,
      location: `http://127.0.0.1:${metrics.port}/metrics`,
    }));
    const notFound = await recorder(() => ({ status: 404 }));
    try {
      const urls = [
        `http://127.0.0.1:${redirecting.port}/metrics`,
        `http://127.0.0.1:${notFound.port}/metrics`,
        `http://127.0.0.1:${await closedPort()}/metrics`,
      ];
      const machines = [];
      for (const url of urls) machines.push(await machineIn(allowing, owner.organizationId, url));
      const result = await collectMetrics(
        allowing.runtime,
        machines.map((m) => m.id),
      );
      expect(result.succeeded).toBe(0);
      expect(redirecting.seen).toHaveLength(1);
      expect(metrics.seen).toEqual([]);
      const errors = machines.map((m, i) =>
        result.failed.find((f) => f.machineId === m.id)?.error.replace(urls[i]!, '<url>'),
      );
      expect(errors[0]).toMatch(/could not be read/);
      expect(new Set(errors).size).toBe(1);
      expect(await allowing.db.prisma.metricSample.count({ where: { machineId: machines[0]!.id } })).toBe(0);
    } finally {
      await metrics.close();
      await redirecting.close();
      await notFound.close();
    }
  });
});

describe('cloud addresses', () => {
  it('changing the endpoint needs the credentials again; the stored token is not sent to the new address', async () => {
    const { ownerCookie } = await session(allowing);
    const added = await call(allowing, ownerCookie, 'POST', '/api/v1/clouds', {
      provider: 'digitalocean',
      title: `do-${hex()}`,
      credentials: { token: TOKEN },
      endpoint: sim.url,
    });
    expect(added.statusCode, added.body).toBe(201);
    const thief = await recorder(() => ({ status: 401, body: '{"id":"unauthorized"}' }));
    try {
      const moved = await call(allowing, ownerCookie, 'PATCH', `/api/v1/clouds/${added.json().id}`, {
        endpoint: `http://127.0.0.1:${thief.port}`,
      });
      expect(moved.statusCode).toBe(400);
      expect(moved.json().error).toMatchObject({
        code: 'credentials_required',
        message: expect.stringMatching(/enter the credentials again/),
      });
      expect(thief.seen).toEqual([]);
      const row = await allowing.db.prisma.cloud.findUniqueOrThrow({ where: { id: added.json().id } });
      expect(row.endpoint).toBe(sim.url);

      // With the credentials typed again the change goes through (the token is the one typed).
      const retyped = await call(allowing, ownerCookie, 'PATCH', `/api/v1/clouds/${added.json().id}`, {
        endpoint: `${sim.url}/v2`,
        credentials: { token: TOKEN },
      });
      expect(retyped.statusCode, retyped.body).toBe(200);
      // Other edits still need nothing.
      const renamed = await call(allowing, ownerCookie, 'PATCH', `/api/v1/clouds/${added.json().id}`, {
        title: `renamed-${hex()}`,
      });
      expect(renamed.statusCode).toBe(200);
    } finally {
      await thief.close();
    }
  });

  it('adding an SSH host to a cloud needs its credentials again', async () => {
    const { owner, ownerCookie } = await session(allowing);
    const id = randomUUID();
    const cloud = await allowing.db.prisma.cloud.create({
      data: {
        id,
        organizationId: owner.organizationId,
        provider: 'ssh_host',
        title: `hosts-${hex()}`,
        credentials: sealCredentials(allowing.box, id, { password: 'stored-password' }),
        config: { hosts: [{ address: '127.0.0.1', port: 22, username: 'root' }] },
      },
    });
    const res = await call(allowing, ownerCookie, 'PATCH', `/api/v1/clouds/${cloud.id}`, {
      config: {
        hosts: [
          { address: '127.0.0.1', port: 22, username: 'root' },
          { address: '127.0.0.2', port: 22, username: 'root' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('credentials_required');
  });

  it('endpoints and hosts on loopback or metadata addresses are refused under the default settings, before any connection', async () => {
    const { owner, ownerCookie } = await session(strict);
    for (const body of [
      { provider: 'digitalocean', credentials: { token: TOKEN }, endpoint: sim.url },
      { provider: 'digitalocean', credentials: { token: TOKEN }, endpoint: 'http://169.254.169.254/' },
      {
        provider: 'docker',
        credentials: {},
        config: { host: 'tcp://[::ffff:169.254.169.254]:2375' },
      },
      {
        provider: 'ssh_host',
        credentials: { password: 'x' },
        config: { hosts: [{ address: '2130706433', port: 22, username: 'root' }] },
      },
      {
        provider: 'libvirt',
        credentials: { password: 'x' },
        config: { uri: 'qemu:///system', host: { address: 'localhost', port: 22, username: 'root' } },
      },
    ]) {
      const res = await call(strict, ownerCookie, 'POST', '/api/v1/clouds', { title: `c-${hex()}`, ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('outbound_address_refused');
    }
    expect(await strict.db.prisma.cloud.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });

  it('a cloud whose endpoint name now resolves to a refused address is neither polled nor acted on, and keeps its machines', async () => {
    const { owner, ownerCookie } = await session(strict);
    // Saved while loopback was allowed; the settings no longer allow it.
    const id = randomUUID();
    await strict.db.prisma.cloud.create({
      data: {
        id,
        organizationId: owner.organizationId,
        provider: 'digitalocean',
        title: `do-${hex()}`,
        credentials: sealCredentials(strict.box, id, { token: TOKEN }),
        endpoint: sim.url.replace('127.0.0.1', 'localhost'),
        config: { retryBaseDelayMs: 1, retryMaxDelayMs: 5 },
      },
    });
    const loopbackOpen = { ...strict.settings, outbound: { allowPrivateNetworks: ['127.0.0.0/8'] } };
    const first = await pollCloud({ ...strict.runtime, settings: loopbackOpen }, id, 'machines');
    expect(first.status, JSON.stringify(first)).toBe('ok');
    const machines = await strict.db.prisma.machine.findMany({ where: { cloudId: id } });
    expect(machines).toHaveLength(2);

    const reached = sim.requestLog.length;
    const refused = await pollCloud(strict.runtime, id, 'machines');
    expect(refused.status).toBe('error');
    const cloud = await strict.db.prisma.cloud.findUniqueOrThrow({ where: { id } });
    expect(cloud.pollStatus).toBe('error');
    expect(cloud.lastError).toMatch(/localhost is a loopback address .*outbound\.allowPrivateNetworks/);
    const kept = await strict.db.prisma.machine.findMany({ where: { cloudId: id } });
    expect(kept.map((m) => [m.id, m.state])).toEqual(machines.map((m) => [m.id, m.state]));

    // An action builds the driver without a poll's check first: its connection is refused all the same.
    const res = await call(strict, ownerCookie, 'POST', `/api/v1/machines/${machines[0]!.id}/actions`, {
      action: 'reboot',
    });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.json().error.message).toMatch(/localhost is a loopback address/);
    expect(sim.requestLog.length).toBe(reached);
  });

  it('a member allowed to add clouds may not point one at a private network', async () => {
    const { owner, ownerCookie, member } = await session(strict);
    const team = (
      await call(strict, ownerCookie, 'POST', '/api/v1/teams', { name: `cloud-makers-${hex()}` })
    ).json();
    await call(strict, ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] });
    const set = await call(strict, ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [{ effect: 'allow', action: '*', kind: 'clouds' }],
    });
    expect(set.statusCode, set.body).toBe(200);
    const member2 = await login(strict, member);
    // TLS files that are not PEM: nothing would be connected to even past the guard.
    const res = await call(strict, member2, 'POST', '/api/v1/clouds', {
      provider: 'docker',
      title: `lan-${hex()}`,
      credentials: { ca: 'not pem', cert: 'not pem', key: 'not pem' },
      config: { host: 'tcp://10.20.30.40:2376' },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/private network.*added by an admin/);
    expect(await strict.db.prisma.cloud.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });
});
