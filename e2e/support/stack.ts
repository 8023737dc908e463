import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from './database';
import { freePort, redisUrl, waitForOk } from './network';
import { paths } from './paths';
import { run, type Service, startService } from './processes';

export interface Credentials {
  email: string;
  password: string;
}

export interface Stack {
  baseURL: string;
  admin: Credentials;
  /** The environment the processes run with, for starting more tools against the same stack. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface StackOptions {
  adminEmail?: string;
  /** Extra settings as OVERCAST_* variables (e.g. a cloud emulator's endpoint). */
  env?: Record<string, string>;
}

/**
 * Starts Overcast the way production does: built api and worker on a fresh database,
 * migrated, with one admin created by the adduser command. Everything it made is
 * removed by stop(), or right away if starting fails.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  assertBuilt();
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error));
  };

  try {
    const database = await createDatabase();
    cleanups.push(() => database.drop());
    const settingsDir = await mkdtemp(join(tmpdir(), 'overcast-e2e-'));
    cleanups.push(() => rm(settingsDir, { recursive: true, force: true }));

    const redis = await redisUrl();
    cleanups.push(redis.release);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...inheritedEnv(),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      OVERCAST_SETTINGS_DIR: settingsDir,
      OVERCAST_PORT: String(port),
      OVERCAST_WEB_DIR: paths.webDist,
      // Tests share one address and log in many times; the production limit would trip them.
      OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
      // Only this machine needs to reach a test server.
      OVERCAST_HOST: '127.0.0.1',
      // The emulators and receivers the tests add listen on loopback.
      OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8,::1/128',
      NODE_ENV: 'production',
      ...options.env,
    };

    await run('migrate', process.execPath, [paths.apiMigrate], { env });
    const admin = {
      email: options.adminEmail ?? 'e2e-admin@example.com',
      password: randomBytes(18).toString('base64url'),
    };
    await run('adduser', paths.addUser, ['--admin', admin.email, '--password-stdin'], {
      cwd: paths.apiDir,
      env,
      input: `${admin.password}\n`,
    });

    const services: Service[] = [
      startService('api', process.execPath, [paths.apiMain], { env }),
      startService('worker', process.execPath, [paths.workerMain], { env }),
    ];
    // Registered before waiting, so a half-started stack is still stopped.
    cleanups.push(() => Promise.all(services.map((service) => service.stop())));

    const baseURL = `http://127.0.0.1:${port}`;
    try {
      await waitForOk(`${baseURL}/readyz`, {
        failFast: () => services.map((service) => service.exitReason()).find(Boolean) ?? null,
      });
    } catch (error) {
      const output = services.map((service) => service.output()).join('\n');
      throw new Error(`Overcast did not start: ${(error as Error).message}\n${output}`);
    }

    return { baseURL, admin, env, stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function assertBuilt(): void {
  const missing = [
    paths.apiMain,
    paths.apiMigrate,
    paths.addUser,
    paths.workerMain,
    join(paths.webDist, 'index.html'),
  ].filter((file) => !existsSync(file));
  if (missing.length) {
    throw new Error(`Build the apps first (corepack pnpm build); missing:\n  ${missing.join('\n  ')}`);
  }
}

/** The runner's environment minus Overcast settings, so a developer's shell can't change the test stack. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('OVERCAST_') || key === 'DATABASE_URL' || key === 'REDIS_URL') delete env[key];
  }
  return env;
}
