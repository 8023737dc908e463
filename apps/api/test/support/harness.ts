import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken, createUser } from '@overcast/core/auth';
import { createDatabase, type Database, type Prisma, type Role } from '@overcast/db';
import {
  createLogger,
  createRuntime,
  loadSettings,
  type Runtime,
  type SecretBox,
  type Settings,
} from '@overcast/runtime';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import { buildApp } from '../../src/app';
import type { App } from '../../src/context';

export interface TestApi {
  app: App;
  /** What the app was built from; core functions called from tests take it as it is. */
  runtime: Runtime;
  box: SecretBox;
  pollQueue: Queue;
  db: Database;
  settings: Settings;
  close(): Promise<void>;
}

/** The real app on the run's throwaway database and the real Redis, driven with inject(). */
/** `logSink`, when given, receives every log line the app writes (at trace level). */
export async function startTestApi(
  env: Record<string, string> = {},
  logSink?: { write(line: string): void },
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
  const { settings } = loadSettings({
    dir,
    create: true,
    // The global setup opens loopback to outbound requests (the emulators and receivers listen
    // there); OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '' gives the default, nothing private.
    env: { ...process.env, OVERCAST_LOG_LEVEL: 'warn', ...env },
  });
  const db = createDatabase({ url: settings.databaseUrl, max: 4 });
  const logger = logSink
    ? createLogger('trace', 'api-test', {}, logSink)
    : createLogger(process.env.TEST_LOG ?? 'silent', 'api-test');
  const runtime = createRuntime(settings, { name: 'api', db, logger });
  const { redis, box, queues } = runtime;
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    db,
    settings,
    box,
    pollQueue: queues.poll,
    async close() {
      await app.close();
      await queues.close();
      await db.close();
      // QUIT lets commands still in flight be answered; disconnect() would fail them unheard.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** Starts the api before the enclosing block's tests and closes it after them; call the result for it. */
export function useTestApi(env: Record<string, string> = {}): () => TestApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi(env);
  });
  afterAll(() => api?.close());
  return () => {
    if (!api) throw new Error('the test api did not start');
    return api;
  };
}

export const uniqueEmail = (label = 'user') => `${label}-${randomBytes(5).toString('hex')}@example.com`;

/** A fresh address per test keeps the per-address login rate limit out of other tests' way. */
export const uniqueIp = () =>
  `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 250)}`;

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  organizationId: string;
}

/** A new organization with one user of the given role. */
export async function createOrgWithUser(db: Database, role: 'owner' | 'member' = 'owner'): Promise<TestUser> {
  const org = await db.prisma.organization.create({
    data: {
      name: `Test org ${randomBytes(3).toString('hex')}`,
      slug: `test-${randomBytes(6).toString('hex')}`,
    },
  });
  const email = uniqueEmail();
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser(db, { email, password, admin: role === 'owner', organizationId: org.id });
  return { email, password, userId: user.userId, organizationId: org.id };
}

/** Logs in through the API and returns the Cookie header to send with later requests. */
export async function login(api: TestApi, user: { email: string; password: string }): Promise<string> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password },
    remoteAddress: uniqueIp(),
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'overcast_session');
  if (!cookie) throw new Error('no session cookie');
  return `overcast_session=${cookie.value}`;
}

/** Adds a user with `role` to an organization and logs them in. */
export async function addMember(
  api: TestApi,
  organizationId: string,
  role: Role,
): Promise<TestUser & { cookie: string }> {
  const email = uniqueEmail(role);
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser(api.db, { email, password, organizationId });
  await api.db.prisma.membership.updateMany({
    where: { userId: user.userId, organizationId },
    data: { role },
  });
  return {
    email,
    password,
    userId: user.userId,
    organizationId,
    cookie: await login(api, { email, password }),
  };
}

/** The api with one organization whose owner is logged in: what most test files start from. */
export async function startOrgApi(
  env: Record<string, string> = {},
): Promise<{ api: TestApi; owner: TestUser; ownerCookie: string }> {
  const api = await startTestApi(env);
  const owner = await createOrgWithUser(api.db);
  return { api, owner, ownerCookie: await login(api, owner) };
}

/** The owner of another, new organization, logged in: their Cookie header. */
export const outsiderCookie = async (api: TestApi) => login(api, await createOrgWithUser(api.db));

/** A new member of the organization with `role`, logged in: their Cookie header. */
export const memberCookie = async (api: TestApi, organizationId: string, role: Role) =>
  (await addMember(api, organizationId, role)).cookie;

/** An API token of `user` for their organization, made directly rather than through the api. */
export const apiTokenOf = (
  api: TestApi,
  user: { organizationId: string; userId: string },
  name: string,
  scope: 'read' | 'full' = 'full',
  expiresAt?: Date,
) =>
  createApiToken(api.db, {
    organizationId: user.organizationId,
    userId: user.userId,
    name,
    scope,
    expiresAt,
  });

/** Who a request is sent as: a session's Cookie header, an API token, or nobody. */
export type Caller = string | { cookie: string } | { bearer: string } | null;

export function headersOf(who: Caller): Record<string, string> {
  if (who === null) return {};
  if (typeof who === 'string') return { cookie: who };
  return 'cookie' in who ? { cookie: who.cookie } : { authorization: `Bearer ${who.bearer}` };
}

/** One request to the api as `who`, from an address of its own (so rate limits stay out of the way). */
export function send(
  api: TestApi,
  who: Caller,
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return api.app.inject({
    method: method as 'GET',
    url,
    headers: { ...headersOf(who), ...headers },
    remoteAddress: uniqueIp(),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const hex = (bytes = 4) => randomBytes(bytes).toString('hex');

/** An SSH-host cloud row (no provider behind it), for tests that need machines to exist. */
export function seedCloud(
  db: Database,
  organizationId: string,
  data: Partial<Omit<Prisma.CloudUncheckedCreateInput, 'organizationId'>> = {},
) {
  return db.prisma.cloud.create({
    data: {
      organizationId,
      provider: 'ssh_host',
      title: `hosts-${hex(3)}`,
      credentials: Buffer.from('x'),
      ...data,
    },
  });
}

/** A running machine row, in `cloudId` or in a new SSH-host cloud; its id. */
export async function seedMachine(
  db: Database,
  organizationId: string,
  fields: Partial<Omit<Prisma.MachineUncheckedCreateInput, 'organizationId'>> = {},
): Promise<string> {
  const { cloudId = (await seedCloud(db, organizationId)).id, name = `m-${hex()}`, ...rest } = fields;
  const machine = await db.prisma.machine.create({
    data: { organizationId, cloudId, externalId: `m-${hex()}`, name, state: 'running', ...rest },
  });
  return machine.id;
}

/** The event stream as `cookie` sees it, through an injected WebSocket: every event it received, in order. */
export async function watchStream<E = unknown>(api: TestApi, cookie: string) {
  const socket = await api.app.injectWS('/api/v1/stream', { headers: { cookie } });
  const events: E[] = [];
  socket.on('message', (m) => events.push(JSON.parse(String(m)) as E));
  return { events, close: () => socket.terminate() };
}

/** Listens on a loopback port (for WebSocket clients); the ws:// base URL. */
export async function listenForSockets(api: TestApi): Promise<string> {
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
}

/**
 * A machine the terminal reaches over SSH: the organization's first key (made here) is authorized
 * on a real sshd on loopback, and the machine row points at it.
 */
export async function sshMachine(
  api: TestApi,
  owner: { organizationId: string },
  ownerCookie: string,
  fields: Partial<Omit<Prisma.MachineUncheckedCreateInput, 'organizationId'>> = {},
): Promise<{ sshd: SshdHandle; cloudId: string; machineId: string }> {
  const key = await send(api, ownerCookie, 'POST', '/api/v1/ssh-keys', { name: 'default' });
  if (key.statusCode !== 201) throw new Error(`key: ${key.statusCode} ${key.body}`);
  const sshd = await startSshd({ authorizedKeys: [key.json().publicKey] });
  const cloudId = (await seedCloud(api.db, owner.organizationId, { provider: 'digitalocean' })).id;
  const machineId = await seedMachine(api.db, owner.organizationId, {
    cloudId,
    ...reachedAt(sshd),
    ...fields,
  });
  return { sshd, cloudId, machineId };
}

/** A machine row's fields that make the terminal reach it on the test sshd. */
export const reachedAt = (sshd: SshdHandle) => ({
  name: 'box',
  publicIps: ['127.0.0.1'],
  sshPort: sshd.port,
  sshUser: sshd.user,
});
