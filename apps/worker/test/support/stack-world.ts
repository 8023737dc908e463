import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealCredentials } from '@overcast/core/clouds';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { loadSettings, SecretBox } from '@overcast/runtime';
import { createMigratedDatabase, dropDatabase } from '../../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../../test/support/redis';
import { memberCookie, startOrgApi, type TestApi } from '../../../api/test/support/harness';
import { exited, spawnWorker, waitFor } from './harness';

/** A response's JSON, as the tests read it: whatever JSON.parse gives. */
type ApiBody = ReturnType<typeof JSON.parse>;

/**
 * What the tests driving stacks and playbooks through the built worker share: a migrated
 * database and a redis-server of their own, the api with an owner and a member logged in and
 * the owner's default SSH key "deploy", and the worker, started (and killed) when a test says.
 */
export interface StackWorld {
  db: Database;
  redis: RedisServer;
  api: TestApi;
  /** The worker's environment. */
  env: NodeJS.ProcessEnv;
  organizationId: string;
  /** Session cookies. */
  owner: string;
  member: string;
  /** The key "deploy": emulated machines' sshds let it in. */
  publicKey: string;
  /** An api call as the owner, or as whoever's cookie is given. */
  call(
    method: string,
    url: string,
    payload?: unknown,
    cookie?: string,
  ): Promise<{ status: number; body: ApiBody }>;
  /** A stack as the api shows it to the owner. */
  stackOf(id: string): Promise<ApiBody>;
  /** Waits for the stack to be `status`; one that fails on the way throws with its error. */
  settled(id: string, status?: string): Promise<ApiBody>;
  /** A DigitalOcean account at an emulator's address, polled every two seconds. */
  addDigitalOcean(title: string, endpoint: string, token: string): Promise<string>;
  readonly worker: ChildProcess | null;
  startWorker(): ChildProcess;
  /** SIGKILL, as a crash: nothing of the worker's own shutdown runs. */
  killWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startStackWorld(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<StackWorld> {
  const dbName = `overcast_${name}_${randomBytes(4).toString('hex')}`;
  const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
  const credentialsKey = randomBytes(32).toString('base64');
  const url = await createMigratedDatabase(dbName);
  const db = createDatabase({ url, max: 4 });
  await migrateDeploy(db.pool);
  const redis = await startRedisServer();
  const shared = {
    DATABASE_URL: url,
    REDIS_URL: redis.url(0),
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...shared,
    ...extraEnv,
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_LOG_LEVEL: process.env.WORKER_LOGS ? 'info' : 'warn',
  };
  loadSettings({ dir: settingsDir, create: true, env });
  const { api, owner: user, ownerCookie: owner } = await startOrgApi({ ...shared, ...extraEnv });
  const call: StackWorld['call'] = async (method, path, payload, cookie = owner) => {
    const res = await api.app.inject({
      method: method as 'GET',
      url: path,
      payload: payload as object,
      headers: { cookie },
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  };
  const key = await call('POST', '/api/v1/ssh-keys', { name: 'deploy', isDefault: true });
  if (key.status !== 201) throw new Error(`the deploy key was refused: ${JSON.stringify(key.body)}`);
  const member = await memberCookie(api, user.organizationId, 'member');
  const stackOf = async (id: string) => (await call('GET', `/api/v1/stacks/${id}`)).body;
  let worker: ChildProcess | null = null;
  const killWorker = async () => {
    const w = worker;
    worker = null;
    if (!w || w.exitCode !== null) return;
    const gone = exited(w);
    w.kill('SIGKILL');
    await gone;
  };
  return {
    db,
    redis,
    api,
    env,
    organizationId: user.organizationId,
    owner,
    member,
    publicKey: key.body.publicKey,
    call,
    stackOf,
    settled: (id, status = 'deployed') =>
      waitFor(
        async () => {
          const stack = await stackOf(id);
          if (stack.status === 'failed' && status !== 'failed')
            throw new Error(`the stack failed: ${stack.error}`);
          return stack.status === status ? stack : null;
        },
        180_000,
        `the stack to be ${status}`,
      ),
    async addDigitalOcean(title, endpoint, token) {
      const id = randomUUID();
      await db.prisma.cloud.create({
        data: {
          id,
          organizationId: user.organizationId,
          provider: 'digitalocean',
          title,
          endpoint,
          pollIntervalSeconds: 2,
          credentials: sealCredentials(new SecretBox(credentialsKey), id, { token }),
        },
      });
      return id;
    },
    get worker() {
      return worker;
    },
    startWorker() {
      worker = spawnWorker(env);
      return worker;
    },
    killWorker,
    async close() {
      await killWorker();
      await api.close();
      await db.close();
      await redis.stop();
      await dropDatabase(dbName);
      rmSync(settingsDir, { recursive: true, force: true });
    },
  };
}
