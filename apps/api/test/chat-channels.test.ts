import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { actionLinkKey, signActionLink } from '@overcast/core/action-links';
import { createNotifier } from '@overcast/core/notifications';
import { pollCloud } from '@overcast/core/polling';
import { createRedis } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createOrgWithUser,
  login,
  send,
  startOrgApi,
  type TestApi,
  type TestUser,
} from './support/harness';

// Chat channels post each platform's own format to a real receiver on loopback; an incident
// message's buttons open /act/<token>, which acts as the person who opens it, once.

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let receiver: Server;
let base: string;
let sim: DigitalOceanSim;
const received: Received[] = [];
const redis = createRedis(process.env.REDIS_URL!, { enableOfflineQueue: true });
const TOKEN = `do-token-chat-${randomBytes(3).toString('hex')}`;
const hex = () => randomBytes(4).toString('hex');

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi());
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body || '{}') });
      // Slack answers "ok", Discord 204: any 2xx is delivered.
      res
        .writeHead(req.url?.startsWith('/discord') ? 204 : 200)
        .end(req.url?.startsWith('/discord') ? '' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: 1, namePrefix: 'chat' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
});

afterAll(async () => {
  await new Promise((r) => receiver?.close(() => r(null)));
  await sim?.close();
  await api?.close();
  redis.disconnect();
});

const call = (cookie: string | null, method: string, url: string, payload?: unknown) =>
  send(api, cookie, method, url, payload);

/** The next delivery whose path starts with `prefix`, waited for briefly. */
async function delivery(prefix: string, after = 0): Promise<Received> {
  for (let i = 0; i < 100; i++) {
    const hit = received.slice(after).find((r) => r.path.startsWith(prefix));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing arrived at ${prefix}`);
}

/** One channel of each kind, pointing at the receiver; their ids by kind. */
async function addChannels(cookie: string, tag: string): Promise<Record<string, string>> {
  const bodies = {
    slack: { url: `${base}/slack/T000/B000/${tag}` },
    teams: { url: `${base}/teams/workflows/${tag}` },
    discord: { url: `${base}/discord/api/webhooks/1/${tag}` },
    mattermost: { url: `${base}/mattermost/hooks/${tag}` },
    // An ntfy server may sit under a path; the publish goes to its root with the topic in the body.
    ntfy: { url: `${base}/ntfy/${tag}`, topic: `overcast-${tag}`, accessToken: `tk_${tag}` },
  };
  const ids: Record<string, string> = {};
  for (const [kind, body] of Object.entries(bodies)) {
    const res = await call(cookie, 'POST', '/api/v1/notification-channels', {
      kind,
      name: `${kind}-${hex()}`,
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    // The address holds the platform's secret: it is sealed and never shown again.
    expect(res.json().destination).toBe(`${base}/…`);
    expect(res.body).not.toContain(tag);
    ids[kind] = res.json().id;
  }
  return ids;
}

/** A rule posting to chat, and an open incident of it about `machineId`. */
async function openIncident(organizationId: string, cookie: string, machineId: string | null) {
  const rule = await call(cookie, 'POST', '/api/v1/rules', {
    name: `stopped ${hex()}`,
    target: { kind: 'all' },
    condition: { kind: 'state', states: ['stopped'], forSeconds: 0 },
    actions: [{ kind: 'chat' }],
  });
  expect(rule.statusCode, rule.body).toBe(201);
  const incident = await api.db.prisma.incident.create({
    data: { organizationId, ruleId: rule.json().id, machineId },
  });
  return { ruleId: rule.json().id as string, incidentId: incident.id };
}

/** Delivers an incident's opening message the way the rule evaluator does. */
const notifyOpened = (organizationId: string, incidentId: string, machineId: string | null) =>
  createNotifier(api.runtime).deliver(
    organizationId,
    { subject: 'stopped: web-1', text: 'stopped fired on web-1 <now>', severity: 'critical' },
    { kind: 'chat' },
    { event: 'incident.opened', incidentId, ruleId: 'r', machineId },
  );

const tokenOf = (url: string) => {
  const match = /\/act\/([A-Za-z0-9_.-]+)$/.exec(url);
  if (!match) throw new Error(`not an action link: ${url}`);
  return match[1]!;
};

describe('chat channels', () => {
  it('keeps each address sealed, and a test message reaches every platform in its own format', async () => {
    const tag = hex();
    const ids = await addChannels(ownerCookie, tag);
    const list = await call(ownerCookie, 'GET', '/api/v1/notification-channels');
    expect(list.body).not.toContain(tag);
    const stored = await api.db.prisma.notificationChannel.findUnique({ where: { id: ids.slack! } });
    expect(JSON.stringify(stored!.config)).not.toContain(tag);
    expect(Buffer.from(stored!.secret!).toString('latin1')).not.toContain(tag);

    for (const [kind, id] of Object.entries(ids)) {
      const before = received.length;
      const res = await call(ownerCookie, 'POST', `/api/v1/notification-channels/${id}/test`);
      expect(res.json(), kind).toMatchObject({ ok: true, message: expect.stringContaining('test message') });
      const got = await delivery(`/${kind}`, before);
      expect(JSON.stringify(got.body)).toContain('Test notification from Overcast');
    }
  });

  it('posts an opened incident as Block Kit, an Adaptive Card, an embed, an attachment and an ntfy publish', async () => {
    const tag = hex();
    const { organizationId } = owner;
    const ids = Object.values(await addChannels(ownerCookie, tag));
    const machine = await api.db.prisma.machine.create({
      data: {
        organizationId,
        cloudId: (
          await api.db.prisma.cloud.create({
            data: { organizationId, provider: 'ssh_host', title: `h-${tag}`, credentials: Buffer.from('x') },
          })
        ).id,
        externalId: `m-${tag}`,
        name: 'web-1',
        state: 'stopped',
      },
    });
    const { incidentId } = await openIncident(organizationId, ownerCookie, machine.id);
    const before = received.length;
    const results = await notifyOpened(organizationId, incidentId, machine.id);
    const ours = results.filter((r) => ids.includes(r.channelId));
    expect(ours.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const act = `${api.settings.publicUrl}/act/`;
    const incidentUrl = `${api.settings.publicUrl}/incidents/${incidentId}`;

    const slack = await delivery(`/slack/T000/B000/${tag}`, before);
    const blocks = slack.body.blocks as {
      type: string;
      elements?: { type: string; url: string; text: { text: string } }[];
    }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => [b.type, b.text.text])).toEqual([
      ['button', 'Acknowledge'],
      ['button', 'Reboot'],
      ['button', 'Stop'],
    ]);
    for (const b of buttons) expect(b.url.startsWith(act)).toBe(true);
    // Slack's mrkdwn control characters are escaped.
    expect(JSON.stringify(blocks[1])).toContain('&lt;now&gt;');

    const teams = await delivery(`/teams/workflows/${tag}`, before);
    expect(teams.body.type).toBe('message');
    const [attachment] = teams.body.attachments as {
      contentType: string;
      content: Record<string, unknown>;
    }[];
    expect(attachment!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment!.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const cardActions = attachment!.content.actions as { type: string; title: string; url: string }[];
    expect(cardActions.map((a) => a.title)).toEqual(['Acknowledge', 'Reboot', 'Stop', 'Open in Overcast']);
    expect(cardActions.every((a) => a.type === 'Action.OpenUrl')).toBe(true);

    const discord = await delivery(`/discord/api/webhooks/1/${tag}`, before);
    const [embed] = discord.body.embeds as Record<string, unknown>[];
    expect(embed).toMatchObject({ title: 'stopped: web-1', url: incidentUrl, color: 0xd93f3f });
    expect(JSON.stringify(embed)).toContain(`[Reboot](${act}`);

    const mattermost = await delivery(`/mattermost/hooks/${tag}`, before);
    const [mm] = mattermost.body.attachments as Record<string, unknown>[];
    expect(mm).toMatchObject({ title: 'stopped: web-1', title_link: incidentUrl, color: '#d93f3f' });
    const mmActions = mm!.actions as {
      id: string;
      name: string;
      integration: { url: string; context: { token: string } };
    }[];
    expect(mmActions.map((a) => a.name)).toEqual(['Acknowledge', 'Reboot', 'Stop']);
    expect(mmActions[0]!.integration.url).toBe(`${api.settings.publicUrl}/api/v1/action-links/mattermost`);
    // Pressed in Mattermost: its server calls Overcast, which answers the presser the confirm link.
    const pressed = await call(null, 'POST', '/api/v1/action-links/mattermost', {
      user_id: 'u1',
      context: mmActions[1]!.integration.context,
    });
    expect(pressed.statusCode).toBe(200);
    expect(pressed.json().ephemeral_text).toContain(`${act}${mmActions[1]!.integration.context.token}`);

    const ntfy = await delivery(`/ntfy/${tag}`, before);
    expect(ntfy.headers.authorization).toBe(`Bearer tk_${tag}`);
    expect(ntfy.body).toMatchObject({
      topic: `overcast-${tag}`,
      title: 'stopped: web-1',
      priority: 5,
      tags: ['rotating_light', 'overcast'],
      click: incidentUrl,
    });
    const ntfyActions = ntfy.body.actions as { action: string; label: string; url: string }[];
    expect(ntfyActions.map((a) => [a.action, a.label])).toEqual([
      ['view', 'Acknowledge'],
      ['view', 'Reboot'],
      ['view', 'Stop'],
    ]);
    expect(ntfyActions.every((a) => a.url.startsWith(act))).toBe(true);
  });

  it('refuses bad channel input by field, and addresses the outbound guard forbids', async () => {
    const bad = [
      [{ kind: 'ntfy', name: `n-${hex()}`, url: `${base}/ntfy` }, /body\.topic/],
      [{ kind: 'slack', name: `s-${hex()}`, url: `${base}/x`, topic: 'abc' }, /body\.topic/],
      [{ kind: 'slack', name: `s-${hex()}` }, /body\.url/],
      [{ kind: 'slack', name: `s-${hex()}`, url: 'ftp://hooks.slack.com/x' }, /url/],
      [{ kind: 'ntfy', name: `n-${hex()}`, url: `${base}/ntfy`, topic: 'a b' }, /topic/],
      [{ kind: 'irc', name: `i-${hex()}`, url: `${base}/x` }, /kind/],
      [{ kind: 'teams', name: `t-${hex()}`, url: `${base}/x\u0000` }, /./],
    ] as const;
    for (const [body, message] of bad) {
      const res = await call(ownerCookie, 'POST', '/api/v1/notification-channels', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const guarded = await startOrgApi({ OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '' });
    try {
      const res = await send(guarded.api, guarded.ownerCookie, 'POST', '/api/v1/notification-channels', {
        kind: 'discord',
        name: 'inside',
        url: `${base}/discord/x`,
      });
      expect(res.statusCode).toBe(400);
      expect(await guarded.api.db.prisma.notificationChannel.count({ where: { name: 'inside' } })).toBe(0);
    } finally {
      await guarded.api.close();
    }
  });
});

describe('acting from a chat message', () => {
  let cloudId: string;
  let machineId: string;
  let dropletId: number;
  let incidentId: string;

  beforeAll(async () => {
    const cloud = await call(ownerCookie, 'POST', '/api/v1/clouds', {
      provider: 'digitalocean',
      title: `do-${hex()}`,
      credentials: { token: TOKEN },
      endpoint: sim.url,
    });
    expect(cloud.statusCode, cloud.body).toBe(201);
    cloudId = cloud.json().id;
    await pollCloud({ db: api.db, box: api.box, redis, settings: api.settings }, cloudId, 'machines');
    const machine = await api.db.prisma.machine.findFirstOrThrow({ where: { cloudId } });
    machineId = machine.id;
    dropletId = Number(machine.externalId);
    ({ incidentId } = await openIncident(owner.organizationId, ownerCookie, machineId));
  });

  /** The buttons' tokens, by action, from the Slack message the incident sent. */
  async function buttonTokens(): Promise<Record<string, string>> {
    const tag = hex();
    const res = await call(ownerCookie, 'POST', '/api/v1/notification-channels', {
      kind: 'slack',
      name: `slack-${tag}`,
      url: `${base}/slack/acting/${tag}`,
    });
    const before = received.length;
    await notifyOpened(owner.organizationId, incidentId, machineId);
    await call(ownerCookie, 'DELETE', `/api/v1/notification-channels/${res.json().id}`);
    const slack = await delivery(`/slack/acting/${tag}`, before);
    const actions = (
      slack.body.blocks as { type: string; elements?: { action_id: string; url: string }[] }[]
    ).find((b) => b.type === 'actions')!.elements!;
    return Object.fromEntries(actions.map((a) => [a.action_id.replace('overcast_', ''), tokenOf(a.url)]));
  }

  const reboots = () =>
    [...sim.account(TOKEN).actions.values()].filter((a) => a.type === 'reboot' && a.resourceId === dropletId)
      .length;

  const auditOf = (userId: string, action: string) =>
    api.db.prisma.auditEvent.findMany({
      where: { actorUserId: userId, action },
      orderBy: { createdAt: 'asc' },
    });

  /** One reboot event in the audit log, as `who`, with `result`. */
  async function expectRebootAudited(who: TestUser, result: 'denied' | 'success') {
    const events = await auditOf(who.userId, 'machine.reboot');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ result, actorLabel: who.email, resourceId: machineId });
  }

  it('needs a login: without one the preview and the action are 401 and nothing happens', async () => {
    const { reboot } = await buttonTokens();
    for (const path of ['preview', 'redeem']) {
      const res = await call(null, 'POST', `/api/v1/action-links/${path}`, { token: reboot });
      expect(res.statusCode).toBe(401);
    }
    expect(reboots()).toBe(0);
  });

  it('refuses a member whose team denies that machine, audited as them, and lets an allowed member reboot it once', async () => {
    const { reboot } = await buttonTokens();
    const denied = await addMember(api, owner.organizationId, 'member');
    const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `no-act-${hex()}` })).json();
    await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [denied.userId] });
    const policies = await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [
        { effect: 'allow', action: '*', kind: '*' },
        { effect: 'deny', action: 'act', kind: 'machines', cloudIds: [cloudId] },
      ],
    });
    expect(policies.statusCode).toBe(200);
    const deniedCookie = await login(api, denied);

    const preview = await call(deniedCookie, 'POST', '/api/v1/action-links/preview', { token: reboot });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ action: 'reboot', incidentId, machineId });
    const refused = await call(deniedCookie, 'POST', '/api/v1/action-links/redeem', { token: reboot });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('not_allowed');
    expect(reboots()).toBe(0);
    await expectRebootAudited(denied, 'denied');

    // The refusal did not spend the link: a member who may act uses it, as themselves.
    const allowed = await addMember(api, owner.organizationId, 'member');
    const done = await call(allowed.cookie, 'POST', '/api/v1/action-links/redeem', { token: reboot });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ action: 'reboot', incidentId });
    expect(reboots()).toBe(1);
    await expectRebootAudited(allowed, 'success');
    expect(
      await api.db.prisma.auditEvent.count({
        where: { action: 'machine.reboot', actorUserId: owner.userId },
      }),
    ).toBe(0);

    // Twice: refused, and the machine is not rebooted again.
    const again = await call(allowed.cookie, 'POST', '/api/v1/action-links/redeem', { token: reboot });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('action_link_used');
    expect(reboots()).toBe(1);
    const timeline = (await call(ownerCookie, 'GET', `/api/v1/incidents/${incidentId}`)).json().timeline;
    expect(JSON.stringify(timeline)).toContain(`reboot requested by ${allowed.email}`);
  });

  it('acknowledges the incident as the person who pressed it', async () => {
    const { acknowledge } = await buttonTokens();
    const member = await addMember(api, owner.organizationId, 'member');
    const res = await call(member.cookie, 'POST', '/api/v1/action-links/redeem', { token: acknowledge });
    expect(res.statusCode, res.body).toBe(200);
    const incident = (await call(ownerCookie, 'GET', `/api/v1/incidents/${incidentId}`)).json();
    expect(incident.acknowledgedBy).toBe(member.email);
    expect(incident.acknowledgedAt).not.toBeNull();
    expect(await auditOf(member.userId, 'incident.acknowledge')).toHaveLength(1);
  });

  it('refuses expired, forged and other organizations’ links, and does nothing', async () => {
    const key = actionLinkKey(api.settings.secrets.sessionSecret);
    const claims = { organizationId: owner.organizationId, incidentId, machineId, action: 'stop' as const };
    const expired = signActionLink(key, claims, 60, Date.now() - 3_600_000);
    const forged = signActionLink(actionLinkKey('not the secret of this overcast, at all'), claims, 3600);
    const { stop } = await buttonTokens();
    const [version, body, signature] = stop!.split('.');
    const altered = `${version}.${Buffer.from(
      Buffer.from(body!, 'base64url').toString().replace('"stop"', '"reboot"'),
    ).toString('base64url')}.${signature}`;
    const stranger = await createOrgWithUser(api.db);
    const strangerCookie = await login(api, stranger);

    const cases: [string, string, number, string][] = [
      [ownerCookie, expired, 410, 'action_link_expired'],
      [ownerCookie, forged, 400, 'action_link_invalid'],
      [ownerCookie, altered, 400, 'action_link_invalid'],
      [ownerCookie, 'v1.e30.AAAA', 400, 'action_link_invalid'],
      [strangerCookie, stop!, 404, 'action_link_foreign'],
    ];
    for (const [cookie, token, status, code] of cases) {
      for (const path of ['preview', 'redeem']) {
        const res = await call(cookie, 'POST', `/api/v1/action-links/${path}`, { token });
        expect(res.statusCode, `${code} ${path}`).toBe(status);
        expect(res.json().error.code).toBe(code);
      }
    }
    const droplet = sim.account(TOKEN).droplets.get(dropletId)!;
    expect(droplet.status).not.toBe('off');
    expect(
      await api.db.prisma.actionLinkUse.count({ where: { organizationId: stranger.organizationId } }),
    ).toBe(0);
    // The stranger's refusal left the link usable by its own organization.
    const stopped = await call(ownerCookie, 'POST', '/api/v1/action-links/redeem', { token: stop });
    expect(stopped.statusCode, stopped.body).toBe(200);
  });
});
