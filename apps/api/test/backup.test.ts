// ./bin/backup and ./bin/restore as an operator runs them: a backup of a live database and its
// terminal recordings, restored into a new database where people log in and clouds decrypt.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { SecretBox } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase as createPgDatabase, dropDatabase } from '../../../test/support/postgres';
import { createOrgWithUser, login, startTestApi, type TestUser } from './support/harness';

const apiDir = resolve(import.meta.dirname, '..');
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const made: string[] = [];

async function freshDatabase(): Promise<{ name: string; url: string }> {
  const name = `overcast_backup_${randomBytes(4).toString('hex')}`;
  made.push(name);
  return { name, url: await createPgDatabase(name) };
}

/** Runs a bin/ command with its own settings directory, as `docker compose exec api` would. */
function bin(
  command: 'backup' | 'restore',
  args: string[],
  env: { url: string; key: string; recordings: string },
) {
  const { DATABASE_URL: _d, ...rest } = process.env;
  return spawnSync(resolve(apiDir, 'bin', command), args, {
    cwd: apiDir,
    encoding: 'utf8',
    env: {
      ...rest,
      OVERCAST_SETTINGS_DIR: mkdtempSync(join(tmpdir(), 'overcast-settings-')),
      DATABASE_URL: env.url,
      OVERCAST_SECRETS_CREDENTIALS_KEY: env.key,
      OVERCAST_SHELL_RECORDINGS_DIR: env.recordings,
    },
  });
}

const tableCount = async (db: Database) =>
  (
    await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    )
  ).rows[0]!.n;

describe('backup and restore', { timeout: 180_000 }, () => {
  let source: Database;
  let sourceUrl: string;
  let user: TestUser;
  let cloudId: string;
  let sessionId: string;
  const sourceRecordings = mkdtempSync(join(tmpdir(), 'overcast-recordings-'));
  const cast = '{"version":2,"width":80,"height":24}\n[0.1,"o","hello from the past\\r\\n"]\n';
  const archive = join(mkdtempSync(join(tmpdir(), 'overcast-backups-')), 'nightly.tar.gz');

  beforeAll(async () => {
    sourceUrl = (await freshDatabase()).url;
    source = createDatabase({ url: sourceUrl, max: 2 });
    await migrateDeploy(source.pool);
    user = await createOrgWithUser(source);
    const box = new SecretBox(keyA);
    const cloud = await source.prisma.cloud.create({
      data: {
        organizationId: user.organizationId,
        provider: 'digitalocean',
        title: 'Prod DO',
        credentials: Buffer.from('x'),
      },
    });
    cloudId = cloud.id;
    await source.prisma.cloud.update({
      where: { id: cloud.id },
      data: { credentials: new Uint8Array(box.sealJson({ token: 'dop_v1_secret' }, `cloud:${cloud.id}`)) },
    });
    const machine = await source.prisma.machine.create({
      data: {
        organizationId: user.organizationId,
        cloudId,
        externalId: 'd-1',
        name: 'web-1',
        state: 'running',
      },
    });
    const recording = join(sourceRecordings, user.organizationId, 'one.cast');
    mkdirSync(join(sourceRecordings, user.organizationId), { recursive: true });
    writeFileSync(recording, cast);
    const session = await source.prisma.shellSession.create({
      data: {
        organizationId: user.organizationId,
        machineId: machine.id,
        userId: user.userId,
        recordingPath: recording,
      },
    });
    sessionId = session.id;
    // A login before the backup leaves an audit event, whose id sequence the restore must carry on.
    const api = await startTestApi({ DATABASE_URL: sourceUrl, OVERCAST_SECRETS_CREDENTIALS_KEY: keyA });
    await login(api, user).finally(() => api.close());
  });

  afterAll(async () => {
    await source?.close();
    for (const name of made) await dropDatabase(name);
  });

  it('writes one file with the database and the recordings, and restores it where people log in', async () => {
    const backup = bin('backup', ['--output', archive], {
      url: sourceUrl,
      key: keyA,
      recordings: sourceRecordings,
    });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/Backed up \d+ rows in \d+ tables and 1 recordings/);
    expect(existsSync(archive)).toBe(true);
    expect(readFileSync(archive).includes(Buffer.from('dop_v1_secret'))).toBe(false);

    const target = await freshDatabase();
    const recordings = mkdtempSync(join(tmpdir(), 'overcast-recordings-'));
    const restore = bin('restore', [archive], { url: target.url, key: keyA, recordings });
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/Restored \d+ rows and 1 recordings/);

    const api = await startTestApi({ DATABASE_URL: target.url, OVERCAST_SECRETS_CREDENTIALS_KEY: keyA });
    try {
      const cookie = await login(api, user);
      const clouds = await api.app.inject({ method: 'GET', url: '/api/v1/clouds', headers: { cookie } });
      expect(clouds.json().items.map((c: { title: string }) => c.title)).toEqual(['Prod DO']);
      const machines = await api.app.inject({ method: 'GET', url: '/api/v1/machines', headers: { cookie } });
      expect(machines.json().items.map((m: { name: string }) => m.name)).toEqual(['web-1']);
      const stored = await api.db.prisma.cloud.findUniqueOrThrow({ where: { id: cloudId } });
      expect(api.box.openJson(stored.credentials, `cloud:${cloudId}`)).toEqual({ token: 'dop_v1_secret' });
      const session = await api.db.prisma.shellSession.findUniqueOrThrow({ where: { id: sessionId } });
      expect(session.recordingPath).toBe(join(recordings, user.organizationId, `${sessionId}.cast`));
      expect(readFileSync(session.recordingPath!, 'utf8')).toBe(cast);
      // The audit log goes on after the restored event: its ids continue, nothing collides.
      const logins = await api.db.prisma.auditEvent.findMany({
        where: { action: 'auth.login', actorUserId: user.userId },
        orderBy: { id: 'asc' },
      });
      expect(logins).toHaveLength(2);
      expect(logins[1]!.id).toBeGreaterThan(logins[0]!.id);
    } finally {
      await api.close();
    }
  });

  it('refuses a restore with another credentials key, before writing anything', async () => {
    expect(existsSync(archive)).toBe(true);
    const target = await freshDatabase();
    const restore = bin('restore', [archive], { url: target.url, key: keyB, recordings: tmpdir() });
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain('restore refused');
    expect(restore.stderr).toContain('another credentials key');
    const db = createDatabase({ url: target.url, max: 1 });
    try {
      expect(await tableCount(db)).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('refuses a backup the settings key cannot open, and writes no file', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'overcast-backups-')), 'wrong.tar.gz');
    const backup = bin('backup', ['--output', output], {
      url: sourceUrl,
      key: keyB,
      recordings: sourceRecordings,
    });
    expect(backup.status).toBe(1);
    expect(backup.stderr).toContain('backup refused');
    expect(backup.stderr).toContain(`cloud credentials ${cloudId} cannot be decrypted`);
    expect(existsSync(output)).toBe(false);
  });

  it('refuses to restore over a database that is in use, and a file that is not a backup', async () => {
    const busy = bin('restore', [archive], { url: sourceUrl, key: keyA, recordings: tmpdir() });
    expect(busy.status).toBe(1);
    expect(busy.stderr).toContain('The database is not empty');
    const junk = join(mkdtempSync(join(tmpdir(), 'overcast-junk-')), 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    const target = await freshDatabase();
    const bad = bin('restore', [junk], { url: target.url, key: keyA, recordings: tmpdir() });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('could not be read as a backup');
  });
});
