import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import type { StreamEvent } from '@overcast/contracts';
import { executeScriptRun } from '@overcast/core/automation';
import { sealCredentials } from '@overcast/core/clouds';
import { orgChannel } from '@overcast/core/events';
import { createSshKey } from '@overcast/core/keys';
import { collectMetrics, machineMonitoringView, metricSeries } from '@overcast/core/monitoring';
import { createChannel, signWebhook } from '@overcast/core/notifications';
import { createRule, evaluateRules, type RuleEffects, ruleEffects, updateRule } from '@overcast/core/rules';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { createLogger, createRedis, createRuntime, loadSettings, type Runtime } from '@overcast/runtime';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';

// Monitoring end to end against real services: a loopback OpenSSH server whose host's /proc is
// read, a real SMTP listener, a real HTTP webhook receiver, and the DigitalOcean emulator for
// auto-recovery. The evaluator runs here with its production wiring; its own database keeps
// other test files' rules out of its cycles.

const dbName = `overcast_monitoring_${randomBytes(4).toString('hex')}`;
const TOKEN = 'monitoring-token';
let db: Database;
/** The worker's runtime on this file's database, with the settings below. */
let runtime: Runtime;
let sim: DigitalOceanSim;
let sshd: SshdHandle;
let smtp: SMTPServer;
let hook: Server;
let orgId: string;
let machineId: string;
let dropletId: number;
let webhookSecret: string;
let evaluator: RuleEffects;
const actor = () => ({ organizationId: orgId, label: 'test' });

interface Mail {
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const hooks: Hook[] = [];

const settings = (smtpPort: number) => ({
  monitoring: {
    intervalSeconds: 60,
    maxConnections: 4,
    timeoutSeconds: 15,
    evaluateSeconds: 60,
    rawRetentionDays: 31,
    rollupRetentionDays: 400,
    actionLinkHours: 24,
  },
  smtp: {
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    user: '',
    password: '',
    from: 'Overcast <alerts@overcast.test>',
  },
  publicUrl: 'http://overcast.test',
  // The receivers and exporters below listen on loopback.
  outbound: { allowPrivateNetworks: ['127.0.0.0/8', '::1/128'] },
  automation: {
    scriptTimeoutSeconds: 60,
    scriptConcurrency: 4,
    scriptMaxOutputKiB: 64,
    expirationCheckSeconds: 30,
  },
});

beforeAll(async () => {
  const url = await createMigratedDatabase(dbName);
  db = createDatabase({ url, max: 4 });
  await migrateDeploy(db.pool);

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const loaded = loadSettings({
    dir: mkdtempSync(join(tmpdir(), 'overcast-monitoring-settings-')),
    create: true,
    env: { ...process.env, OVERCAST_LOG_LEVEL: 'warn' },
  }).settings;
  runtime = createRuntime(
    {
      ...loaded,
      databaseUrl: url,
      redisUrl: process.env.REDIS_URL!,
      ...settings((smtp.server.address() as AddressInfo).port),
    },
    { name: 'worker', db, logger: createLogger('silent', 'monitoring-test') },
  );
  const { box } = runtime;

  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));

  sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: 1 }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  dropletId = [...sim.account(TOKEN).droplets.keys()][0]!;

  const org = await db.prisma.organization.create({
    data: { name: 'monitoring', slug: `monitoring-${randomBytes(4).toString('hex')}` },
  });
  orgId = org.id;
  const key = await createSshKey(runtime, actor(), { name: 'monitoring', isDefault: true });
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  const cloudId = randomUUID();
  await db.prisma.cloud.create({
    data: {
      id: cloudId,
      organizationId: orgId,
      provider: 'digitalocean',
      title: 'do',
      endpoint: sim.url,
      credentials: sealCredentials(box, cloudId, { token: TOKEN }),
    },
  });
  // The emulator's droplet, reachable over SSH at the loopback sshd.
  const machine = await db.prisma.machine.create({
    data: {
      organizationId: orgId,
      cloudId,
      externalId: String(dropletId),
      name: 'web-1',
      state: 'running',
      publicIps: ['127.0.0.1'],
      sshPort: sshd.port,
      sshUser: sshd.user,
      monitoringEnabled: true,
      monitoringSince: new Date(Date.now() - 3_600_000),
      costMonthly: 24,
    },
  });
  machineId = machine.id;

  await createChannel(runtime, actor(), {
    kind: 'email',
    name: 'ops',
    recipients: ['ops@example.com'],
  });
  const webhook = await createChannel(runtime, actor(), {
    kind: 'webhook',
    name: 'pager',
    url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
  });
  webhookSecret = webhook.secret!;
  evaluator = ruleEffects(runtime);
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  await sim?.close();
  await new Promise((r) => smtp?.close(() => r(null)));
  await new Promise((r) => hook?.close(() => r(null)));
  // Closes its queues, Redis and the database.
  await runtime?.close();
  await dropDatabase(dbName);
});

const incidents = (ruleId: string) =>
  db.prisma.incident.findMany({ where: { ruleId }, orderBy: { openedAt: 'asc' } });

function checkSignature(h: Hook) {
  const timestamp = String(h.headers['x-overcast-timestamp']);
  expect(h.headers['x-overcast-signature']).toBe(signWebhook(webhookSecret, timestamp, h.body));
  expect(h.headers['x-overcast-signature']).not.toBe(signWebhook('wrong', timestamp, h.body));
}

describe('monitoring', () => {
  it('reads cpu, load, memory, disk and network from a real host over SSH', async () => {
    const result = await collectMetrics(runtime, [machineId]);
    expect(result.failed).toEqual([]);
    expect(result.succeeded).toBe(1);
    const rows = await db.prisma.metricSample.findMany({ where: { machineId } });
    const metrics = new Set(rows.map((r) => r.metric));
    for (const m of ['cpu', 'load1', 'load5', 'load15', 'memory', 'disk', 'net_rx', 'net_tx']) {
      expect(metrics, m).toContain(m);
    }
    const cpu = rows.find((r) => r.metric === 'cpu')!.value;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
    expect(rows.find((r) => r.metric === 'disk' && r.series === '/')).toBeTruthy();
    // The host key was pinned on first use, like the terminal does.
    expect(await db.prisma.hostKey.count({ where: { machineId } })).toBe(1);

    const series = await metricSeries(db, orgId, machineId, {
      metric: 'memory',
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 1000),
    });
    expect(series.source).toBe('raw');
    expect(series.series[0]!.points.length).toBe(1);
    // A 30-day graph reads hourly rollups, and the last hours (not rolled up yet) from the samples.
    const month = await metricSeries(db, orgId, machineId, {
      metric: 'memory',
      from: new Date(Date.now() - 30 * 86_400_000),
      to: new Date(Date.now() + 1000),
    });
    expect(month.source).toBe('rollup');
    expect(month.series[0]!.points.length).toBe(1);
    // Another organization's machine is unknown.
    await expect(
      metricSeries(db, randomUUID(), machineId, {
        metric: 'cpu',
        from: new Date(Date.now() - 3_600_000),
        to: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'machine_not_found' });
  });

  it('fires after N evaluations, emails and signs a webhook, resolves with a notice, and keeps its cooldown', async () => {
    const rule = await createRule(db, actor(), {
      name: 'load is high',
      target: { kind: 'machines', machineIds: [machineId] },
      condition: {
        kind: 'metric',
        metric: 'load1',
        aggregate: 'max',
        windowSeconds: 300,
        operator: '>=',
        threshold: 0,
        forEvaluations: 2,
      },
      actions: [{ kind: 'email' }, { kind: 'webhook' }],
      cooldownSeconds: 3600,
    });
    // Browsers hear of each incident as it opens and resolves, without waiting for a refetch.
    const announced: StreamEvent[] = [];
    const sub = createRedis(runtime.settings.redisUrl, { enableOfflineQueue: true });
    await sub.subscribe(orgChannel(orgId));
    sub.on('message', (_c: string, m: string) => announced.push(JSON.parse(m)));
    await evaluateRules(runtime, evaluator);
    expect(await incidents(rule.id)).toHaveLength(0);
    await evaluateRules(runtime, evaluator);
    const [opened] = await incidents(rule.id);
    expect(opened?.status).toBe('open');

    await expect.poll(() => mails.length).toBe(1);
    expect(mails[0]!.to).toEqual(['ops@example.com']);
    expect(mails[0]!.raw).toContain('load is high: web-1');
    expect(hooks).toHaveLength(1);
    checkSignature(hooks[0]!);
    const payload = JSON.parse(hooks[0]!.body);
    expect(payload).toMatchObject({ event: 'incident.opened', incidentId: opened!.id, machineId });

    // The condition clears: the incident resolves and says so through the same channels.
    await updateRule(db, actor(), rule.id, {
      condition: {
        kind: 'metric',
        metric: 'load1',
        aggregate: 'max',
        windowSeconds: 300,
        operator: '>=',
        threshold: 1e9,
      },
    });
    await evaluateRules(runtime, evaluator);
    const [resolved] = await incidents(rule.id);
    expect(resolved?.status).toBe('resolved');
    expect(mails).toHaveLength(2);
    expect(mails[1]!.raw).toContain('Resolved: load is high');
    expect(hooks).toHaveLength(2);
    checkSignature(hooks[1]!);
    expect(JSON.parse(hooks[1]!.body).event).toBe('incident.resolved');
    const incidentEvent = (status: string) => ({
      type: 'incident.changed',
      incidentId: opened!.id,
      ruleId: rule.id,
      machineId,
      status,
    });
    await expect.poll(() => announced).toEqual([incidentEvent('open'), incidentEvent('resolved')]);
    sub.disconnect();

    // It fires again at once, but inside the cooldown: an incident, no second round of actions.
    await updateRule(db, actor(), rule.id, {
      condition: {
        kind: 'metric',
        metric: 'load1',
        aggregate: 'max',
        windowSeconds: 300,
        operator: '>=',
        threshold: 0,
      },
    });
    await evaluateRules(runtime, evaluator);
    const all = await incidents(rule.id);
    expect(all).toHaveLength(2);
    expect(all[1]!.status).toBe('open');
    expect(JSON.stringify(all[1]!.timeline)).toContain('cooldown');
    expect(mails).toHaveLength(2);
    expect(hooks).toHaveLength(2);
    // Still breaching on later cycles: the open incident stays the only one.
    await evaluateRules(runtime, evaluator);
    expect(await incidents(rule.id)).toHaveLength(2);
    // Turned off, the rule closes what it had open, quietly.
    await updateRule(db, actor(), rule.id, { enabled: false });
    const closed = (await incidents(rule.id))[1]!;
    expect(closed.status).toBe('resolved');
    expect(JSON.stringify(closed.timeline)).toContain('the rule was turned off by test');
    expect(mails).toHaveLength(2);
  });

  it('runs a script on the machine with hostile parameters intact and records its output', async () => {
    const script = await db.prisma.script.create({
      data: { organizationId: orgId, name: 'say hello', currentVersion: 1 },
    });
    await db.prisma.scriptVersion.create({
      data: {
        scriptId: script.id,
        version: 1,
        body: 'echo "got:$GREETING:"\nexit 3\n',
        parameters: [{ name: 'GREETING' }],
      },
    });
    const hostile = `it's $(touch /tmp/pwned-${randomBytes(3).toString('hex')}) "quoted" \`x\``;
    const rule = await createRule(db, actor(), {
      name: 'script on load',
      target: { kind: 'all' },
      condition: {
        kind: 'metric',
        metric: 'load1',
        aggregate: 'last',
        windowSeconds: 300,
        operator: '>=',
        threshold: 0,
      },
      actions: [{ kind: 'script', scriptId: script.id, params: { GREETING: hostile } }],
    });
    await evaluateRules(runtime, evaluator);
    const [incident] = await incidents(rule.id);
    const step = (incident!.timeline as { kind: string; message: string; scriptRunId?: string }[]).find(
      (e) => e.kind === 'action',
    );
    expect(step?.message).toMatch(/^script run started/);
    // The action queued an ordinary script run; the worker's script job runs it like this.
    const runId = step?.scriptRunId;
    expect(runId).toBeTruthy();
    expect(await runtime.queues.scripts.getJob(`run-${runId}`)).toBeTruthy();
    await executeScriptRun(runtime, runId!);
    const [target] = await db.prisma.scriptRunTarget.findMany({ where: { runId } });
    expect(target).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(target!.stdout).toContain(`got:${hostile}:`);
    const run = await db.prisma.scriptRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.startedByLabel).toBe('rule: script on load');
    await updateRule(db, actor(), rule.id, { enabled: false });
  });

  it('scrapes node_exporter; state and cost conditions fire; a machine leaving the rule resolves quietly', async () => {
    // A node_exporter stand-in whose counters move between scrapes.
    let scrapes = 0;
    const exporter = createServer((_req, res) => {
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# TYPE node_cpu_seconds_total counter',
          `node_cpu_seconds_total{cpu="0",mode="idle"} ${1000 + scrapes * 0.5}`,
          `node_cpu_seconds_total{cpu="0",mode="user"} ${500 + scrapes * 0.5}`,
          'node_load1 0.42',
          'node_load5 0.3',
          'node_load15 0.2',
          'node_memory_MemTotal_bytes 4e+09',
          'node_memory_MemAvailable_bytes 1e+09',
          'node_filesystem_size_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 1e+10',
          'node_filesystem_avail_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 2.5e+09',
          `node_network_receive_bytes_total{device="eth0"} ${scrapes * 1000}`,
          `node_network_transmit_bytes_total{device="eth0"} ${scrapes * 10}`,
        ].join('\n'),
      );
    });
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
    try {
      const cloud = await db.prisma.cloud.findFirstOrThrow({ where: { organizationId: orgId } });
      const scraped = await db.prisma.machine.create({
        data: {
          organizationId: orgId,
          cloudId: cloud.id,
          externalId: 'exporter-1',
          name: 'db-1',
          state: 'running',
          monitoringEnabled: true,
          monitoringMethod: 'node_exporter',
          nodeExporterUrl: `http://127.0.0.1:${(exporter.address() as AddressInfo).port}/metrics`,
        },
      });
      const result = await collectMetrics(runtime, [scraped.id]);
      expect(result.failed).toEqual([]);
      const rows = await db.prisma.metricSample.findMany({ where: { machineId: scraped.id } });
      const value = (metric: string, series = '') =>
        rows.find((r) => r.metric === metric && r.series === series)?.value;
      expect(value('cpu')).toBe(50);
      expect(value('memory')).toBe(75);
      expect(value('disk', '/')).toBe(75);
      expect(value('load1')).toBe(0.42);
      expect(value('net_rx')).toBeGreaterThan(0);

      const busy = await createRule(db, actor(), {
        name: 'db busy',
        target: { kind: 'machines', machineIds: [scraped.id] },
        condition: {
          kind: 'metric',
          metric: 'cpu',
          aggregate: 'avg',
          windowSeconds: 300,
          operator: '>=',
          threshold: 50,
        },
        actions: [],
      });
      const stopped = await db.prisma.machine.create({
        data: {
          organizationId: orgId,
          cloudId: cloud.id,
          externalId: 'off-1',
          name: 'old-1',
          state: 'stopped',
          costMonthly: 500,
        },
      });
      const stateRule = await createRule(db, actor(), {
        name: 'stopped machines',
        target: { kind: 'all' },
        condition: { kind: 'state', states: ['stopped'], forSeconds: 0 },
        actions: [],
      });
      const costRule = await createRule(db, actor(), {
        name: 'budget',
        target: { kind: 'all' },
        condition: { kind: 'cost', scope: 'total', threshold: 100 },
        actions: [],
      });
      await evaluateRules(runtime, evaluator);
      expect((await incidents(busy.id)).map((i) => [i.machineId, i.status])).toEqual([[scraped.id, 'open']]);
      expect((await incidents(stateRule.id)).map((i) => i.machineId)).toEqual([stopped.id]);
      const [budget] = await incidents(costRule.id);
      expect(budget).toMatchObject({ machineId: null, status: 'open', value: 524 });

      // Monitoring off: the metric rule no longer covers db-1, so its incident closes.
      await db.prisma.machine.update({ where: { id: scraped.id }, data: { monitoringEnabled: false } });
      await evaluateRules(runtime, evaluator);
      const [closed] = await incidents(busy.id);
      expect(closed?.status).toBe('resolved');
      expect(JSON.stringify(closed?.timeline)).toContain('no longer covers');
      for (const rule of [busy, stateRule, costRule])
        await updateRule(db, actor(), rule.id, { enabled: false });
    } finally {
      await new Promise((r) => exporter.close(() => r(null)));
    }
  });

  it('no data fires when sshd stops, and auto-recovery reboots the machine in the emulator', async () => {
    const rule = await createRule(db, actor(), {
      name: 'unreachable',
      target: { kind: 'tag', key: 'role' },
      condition: { kind: 'no_data', forSeconds: 60 },
      actions: [{ kind: 'machine_action', action: 'reboot' }, { kind: 'webhook' }],
    });
    // Not tagged yet: the rule sees nothing.
    await evaluateRules(runtime, evaluator);
    expect(await incidents(rule.id)).toHaveLength(0);
    await db.prisma.tag.create({
      data: {
        organizationId: orgId,
        resourceKind: 'machine',
        resourceId: machineId,
        key: 'role',
        value: 'web',
      },
    });
    // Fresh samples: no incident.
    await evaluateRules(runtime, evaluator);
    expect(await incidents(rule.id)).toHaveLength(0);

    await sshd.stop();
    const failed = await collectMetrics(runtime, [machineId]);
    expect(failed.succeeded).toBe(0);
    expect(failed.failed[0]?.error).toMatch(/SSH to .* failed/);
    // The machine's page says why.
    const view = await machineMonitoringView(db, orgId, machineId);
    expect(view.lastError).toMatch(/SSH to .* failed/);
    // Two minutes on, the last samples are older than the rule's minute.
    const later = new Date(Date.now() + 120_000);
    const hooksBefore = hooks.length;
    await evaluateRules(runtime, evaluator, later);
    const [incident] = await incidents(rule.id);
    expect(incident?.status).toBe('open');
    const reboot = [...sim.account(TOKEN).actions.values()].find(
      (a) => a.type === 'reboot' && a.resourceId === dropletId,
    );
    expect(reboot).toBeTruthy();
    expect(JSON.stringify(incident!.timeline)).toContain('reboot of web-1 requested');
    expect(hooks.length).toBe(hooksBefore + 1);
    checkSignature(hooks.at(-1)!);
    const audit = await db.prisma.auditEvent.findFirst({
      where: { organizationId: orgId, action: 'machine.reboot' },
    });
    expect(audit?.actorLabel).toBe('rule: unreachable');
  });

  it('refuses rules that name another organization’s script, machine or channel', async () => {
    const other = await db.prisma.organization.create({
      data: { name: 'other', slug: `other-${randomBytes(4).toString('hex')}` },
    });
    const foreign = await db.prisma.script.create({ data: { organizationId: other.id, name: 'x' } });
    await expect(
      createRule(db, actor(), {
        name: 'foreign script',
        target: { kind: 'all' },
        condition: { kind: 'cost', scope: 'machine', threshold: 10 },
        actions: [{ kind: 'script', scriptId: foreign.id }],
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('actions[0].scriptId') });
    await expect(
      createRule(db, actor(), {
        name: 'foreign machine',
        target: { kind: 'machines', machineIds: [randomUUID()] },
        condition: { kind: 'cost', scope: 'machine', threshold: 10 },
        actions: [],
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('target.machineIds') });
    expect(await db.prisma.rule.count({ where: { name: { startsWith: 'foreign' } } })).toBe(0);
  });
});
