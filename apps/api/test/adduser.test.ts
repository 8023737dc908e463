import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSession } from '@overcast/core/auth';
import { verifyPassword } from '@overcast/core/passwords';
import { createDatabase } from '@overcast/db';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from './support/harness';

const apiDir = resolve(import.meta.dirname, '..');
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const db = createDatabase({ url: process.env.DATABASE_URL!, max: 2 });
afterAll(() => db.close());

/** Runs ./bin/adduser (or another of bin/) from the api's directory, as the docs and the container do. */
function adduser(
  args: string[],
  input?: string,
  command = 'adduser',
  env: NodeJS.ProcessEnv = { ...process.env },
) {
  return spawnSync(resolve(apiDir, 'bin', command), args, {
    cwd: apiDir,
    input: input ?? '',
    env: { OVERCAST_SETTINGS_DIR: settingsDir, ...env },
    encoding: 'utf8',
  });
}

/** The environment of a new shell: none of the variables the server was started with. */
function bareEnv(dir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
  return { ...rest, OVERCAST_SETTINGS_DIR: dir };
}

describe('bin/adduser', { timeout: 120_000 }, () => {
  it('reaches the database the server was first started with, from a shell without its variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
    // First start with DATABASE_URL in the environment (as `DATABASE_URL=… pnpm start`).
    const migrate = spawnSync(process.execPath, [resolve(apiDir, 'dist/migrate.js')], {
      env: { ...process.env, OVERCAST_SETTINGS_DIR: dir },
      encoding: 'utf8',
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    const email = uniqueEmail('later');
    const res = adduser(['--password-stdin', email], 'correct horse battery\n', 'adduser', bareEnv(dir));
    expect(res.status, res.stderr).toBe(0);
    expect(await db.prisma.user.findUnique({ where: { email } })).not.toBeNull();
  });

  it('reads settings/.env beside settings.json, and the environment wins over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
    const first = adduser(['--password-stdin', uniqueEmail('first')], 'correct horse battery\n', 'adduser', {
      ...process.env,
      OVERCAST_SETTINGS_DIR: dir,
    });
    expect(first.status, first.stderr).toBe(0);
    // settings.json now names the run's database; .env points elsewhere, and the shell back again.
    writeFileSync(join(dir, '.env'), `# local\nDATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere"\n`);
    const viaDotEnv = adduser(
      ['--password-stdin', uniqueEmail('dotenv')],
      'correct horse battery\n',
      'adduser',
      bareEnv(dir),
    );
    expect(viaDotEnv.status).toBe(1);
    expect(viaDotEnv.stderr).toContain('127.0.0.1:1');
    const email = uniqueEmail('envwins');
    const viaEnv = adduser(['--password-stdin', email], 'correct horse battery\n', 'adduser', {
      ...bareEnv(dir),
      DATABASE_URL: process.env.DATABASE_URL,
    });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    expect(await db.prisma.user.findUnique({ where: { email } })).not.toBeNull();
  });

  it('creates an admin with a password from stdin; a second run for the same email fails', async () => {
    const email = uniqueEmail('admin');
    const first = adduser(['--admin', '--password-stdin', email], 'correct horse battery\n');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Created ${email}, owner`);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash, 'correct horse battery')).toBe(true);
    expect(user.memberships[0]?.role).toBe('owner');

    const again = adduser(['--admin', '--password-stdin', email], 'another password\n');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(
      await verifyPassword(
        (await db.prisma.user.findUniqueOrThrow({ where: { email } })).passwordHash,
        'correct horse battery',
      ),
    ).toBe(true);
  });

  it('generates and prints a password when stdin is not a terminal', async () => {
    const email = uniqueEmail('gen');
    const res = adduser([email]);
    expect(res.status, res.stderr).toBe(0);
    const password = /Password: (\S+)/.exec(res.stdout)?.[1];
    expect(password).toBeTruthy();
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(user.passwordHash, password!)).toBe(true);
  });

  it('refuses a short password, a bad email and missing arguments with a clear message', () => {
    const short = adduser(['--password-stdin', uniqueEmail()], 'short\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
    for (const weak of ['password12', 'aaaaaaaaaa']) {
      const refused = adduser(['--password-stdin', uniqueEmail()], `${weak}\n`);
      expect(refused.status, weak).toBe(1);
      expect(refused.stderr).toMatch(/most common|simple pattern/);
    }
    const bad = adduser(['--password-stdin', 'not-an-email'], 'long enough password\n');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('is not an email address');
    const none = adduser([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Usage:');
  });
});

describe('bin/passwd', { timeout: 120_000 }, () => {
  const passwd = (args: string[], input?: string) => adduser(args, input, 'passwd');
  const hashOf = async (email: string) =>
    (await db.prisma.user.findUniqueOrThrow({ where: { email } })).passwordHash;

  it('sets a new password, logs the user out everywhere and records it', async () => {
    const email = uniqueEmail('forgetful');
    expect(adduser(['--password-stdin', email], 'correct horse battery\n').status).toBe(0);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    const session = await createSession(db, {
      userId: user.id,
      organizationId: user.memberships[0]!.organizationId,
      ttlHours: 1,
    });

    const res = passwd(['--password-stdin', email.toUpperCase()], 'staple battery horse correct\n');
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Changed the password of ${email}; ended 1 session.`);
    expect(await verifyPassword(await hashOf(email), 'staple battery horse correct')).toBe(true);
    expect(await verifyPassword(await hashOf(email), 'correct horse battery')).toBe(false);
    const row = await db.prisma.session.findUniqueOrThrow({ where: { id: session.sessionId } });
    expect(row.revokedAt).not.toBeNull();
    const event = await db.prisma.auditEvent.findFirst({
      where: { action: 'auth.password_reset', resourceId: user.id },
    });
    expect(event?.actorLabel).toBe('passwd');
  });

  it('prints a generated password when there is no terminal', async () => {
    const email = uniqueEmail('gen');
    expect(adduser(['--password-stdin', email], 'correct horse battery\n').status).toBe(0);
    const res = passwd([email]);
    expect(res.status, res.stderr).toBe(0);
    const password = /Password: (\S+)/.exec(res.stdout)?.[1];
    expect(await verifyPassword(await hashOf(email), password!)).toBe(true);
  });

  it('refuses a weak password, an unknown email and missing arguments, changing nothing', async () => {
    const email = uniqueEmail('kept');
    expect(adduser(['--password-stdin', email], 'correct horse battery\n').status).toBe(0);
    const weak = passwd(['--password-stdin', email], 'password12\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/most common/);
    expect(await verifyPassword(await hashOf(email), 'correct horse battery')).toBe(true);
    const unknown = passwd(['--password-stdin', uniqueEmail('nobody')], 'staple battery horse correct\n');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No user has the email');
    const none = passwd([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Usage: ./bin/passwd');
  });
});
