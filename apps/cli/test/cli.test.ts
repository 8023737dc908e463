import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { base32Decode, totpCode } from '@overcast/core/auth';
import { sealCredentials } from '@overcast/core/clouds';
import { createDatabase, type Database, migrateDeploy } from '@overcast/db';
import { loadSettings, SecretBox } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMigratedDatabase, dropDatabase } from '../../../test/support/postgres';
import { type RedisServer, startRedisServer } from '../../../test/support/redis';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import {
  addMember,
  createOrgWithUser,
  login,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../api/test/support/harness';

// The built `overcast` binary, run as a separate process against a running stack: the api
// listening on loopback, the built worker, the DigitalOcean emulator, and OpenSSH on loopback as
// the machines scripts and terminals reach. Its own database and redis-server, like the worker's
// automation test, so no other file's worker takes its jobs.

const execFileAsync = promisify(execFile);
/** Bash completing the words it is given as arguments, one candidate a line. */
const COMPLETE_IN_BASH =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash, not a template.
  'source <(overcast completion bash); COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _overcast; printf "%s\\n" "${COMPREPLY[@]}"';
const cliDir = resolve(import.meta.dirname, '..');
const workerDir = resolve(import.meta.dirname, '../../worker');
const dbName = `overcast_cli_${randomBytes(4).toString('hex')}`;
const home = mkdtempSync(join(tmpdir(), 'overcast-cli-'));
const settingsDir = mkdtempSync(join(tmpdir(), 'overcast-settings-'));
const configFile = join(home, 'config', 'overcast.json');
const DO_TOKEN = 'cli-do-token';
const credentialsKey = randomBytes(32).toString('base64');

/** Every CLI call starts a Node process: tests making many of them get this long. */
const MANY_CALLS_MS = 90_000;

let db: Database;
let redis: RedisServer;
let api: TestApi;
let sim: DigitalOceanSim;
let worker: ChildProcess | null = null;
let url: string;
let owner: TestUser;
let cookie: string;
let doCloudId: string;
let sshCloudTitle: string;
const sshds: SshdHandle[] = [];
const sshMachines: string[] = [];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI and leaves it running (a watch), collecting what it prints. */
function cliRunning(args: string[]) {
  const child = spawn(process.execPath, ['dist/main.js', ...args], {
    cwd: cliDir,
    env: { ...process.env, OVERCAST_CONFIG: configFile, HOME: home },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the CLI to its end, with `input` on standard input. */
function cli(args: string[], input = ''): Promise<Result> {
  const run = cliRunning(args);
  run.child.stdin.end(input);
  return new Promise((done, fail) => {
    run.child.on('error', fail);
    run.child.on('close', (code) => done({ code, stdout: run.stdout(), stderr: run.stderr() }));
  });
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false> | T, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const call = async (method: string, path: string, payload?: unknown, as = cookie) => {
  const res = await api.app.inject({
    method: method as 'GET',
    url: path,
    payload: payload as object,
    headers: { cookie: as },
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

async function addSshMachine(cloudId: string, name: string, sshd: SshdHandle) {
  const m = await db.prisma.machine.create({
    data: {
      organizationId: owner.organizationId,
      cloudId,
      externalId: `m-${randomBytes(4).toString('hex')}`,
      name,
      state: 'running',
      publicIps: ['127.0.0.1'],
      sshPort: sshd.port,
      sshUser: sshd.user,
    },
  });
  return m.id;
}

beforeAll(async () => {
  execFileSync(process.execPath, [resolve(cliDir, '../../scripts/build-app.mjs'), 'src/main.ts'], {
    cwd: cliDir,
    stdio: 'inherit',
  });
  const dbUrl = await createMigratedDatabase(dbName);
  db = createDatabase({ url: dbUrl, max: 4 });
  await migrateDeploy(db.pool);
  redis = await startRedisServer();
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url(0),
    OVERCAST_SETTINGS_DIR: settingsDir,
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_LOG_LEVEL: 'warn',
  };
  loadSettings({ dir: settingsDir, create: true, env });
  api = await startTestApi({
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url(0),
    OVERCAST_SECRETS_CREDENTIALS_KEY: credentialsKey,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
    OVERCAST_SHELL_RECORDINGS_DIR: join(home, 'recordings'),
  });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);

  const key = await call('POST', '/api/v1/ssh-keys', { name: 'deploy', isDefault: true });
  expect(key.status).toBe(201);
  for (let i = 0; i < 2; i++) sshds.push(await startSshd({ authorizedKeys: [key.body.publicKey] }));
  sshCloudTitle = `hosts-${randomBytes(3).toString('hex')}`;
  const hosts = await db.prisma.cloud.create({
    data: {
      organizationId: owner.organizationId,
      provider: 'digitalocean',
      title: sshCloudTitle,
      credentials: Buffer.from('x'),
      enabled: false,
    },
  });
  for (const [i, sshd] of sshds.entries()) sshMachines.push(await addSshMachine(hosts.id, `box-${i}`, sshd));

  sim = await startDigitalOceanSim({
    accounts: [{ token: DO_TOKEN, droplets: 3, namePrefix: 'do' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
    // Its own addresses: the stack tests start an sshd at a new droplet's, as other files do.
    firstDropletId: 400_700_001,
  });
  doCloudId = randomUUID();
  await db.prisma.cloud.create({
    data: {
      id: doCloudId,
      organizationId: owner.organizationId,
      provider: 'digitalocean',
      title: 'do-cloud',
      endpoint: sim.url,
      pollIntervalSeconds: 5,
      credentials: sealCredentials(new SecretBox(credentialsKey), doCloudId, { token: DO_TOKEN }),
    },
  });
  worker = spawn(process.execPath, ['dist/main.js'], {
    cwd: workerDir,
    env,
    stdio: process.env.WORKER_LOGS ? 'inherit' : 'ignore',
  });
  await waitFor(
    async () => (await db.prisma.machine.count({ where: { cloudId: doCloudId } })) === 3,
    'the first poll',
  );
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((r) => worker?.once('exit', r));
    worker.kill('SIGTERM');
    await gone;
  }
  await api?.close();
  for (const s of sshds) await s.stop();
  await sim?.close();
  await db?.close();
  await redis?.stop();
  await dropDatabase(dbName);
  rmSync(home, { recursive: true, force: true });
  rmSync(settingsDir, { recursive: true, force: true });
});

describe('login and contexts', () => {
  it('logs in with a password, keeps the token in a private file and never prints it', async () => {
    const res = await cli(
      ['login', url, '--email', owner.email, '--password-stdin', '--name', 'main'],
      owner.password,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`as ${owner.email}`);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(saved.current).toBe('main');
    const token = saved.contexts[0].token as string;
    expect(token).toMatch(/^oc_/);
    expect(res.stdout).not.toContain(token);
    // The token is a real one on the account; the session that made it is gone.
    const tokens = await call('GET', '/api/v1/me/tokens');
    expect(tokens.body.items.some((t: { id: string }) => t.id === saved.contexts[0].tokenId)).toBe(true);
    const sessions = await db.prisma.session.count({ where: { userId: owner.userId, revokedAt: null } });
    expect(sessions).toBe(1); // the test's own cookie session only

    const list = await cli(['context', 'list']);
    expect(list.stdout).toMatch(/\*\s+main\s+http:\/\/127\.0\.0\.1/);
    expect(list.stdout).not.toContain(token);
  });

  it('refuses a wrong password and an unknown token in the API’s words', async () => {
    const wrong = await cli(['login', url, '--email', owner.email, '--password-stdin'], 'not-the-password');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('error: Wrong email or password.\n');
    const bad = await cli(['login', url, '--token', 'oc_not_a_real_token', '--name', 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The API token is unknown, revoked or expired.');
    expect(JSON.parse(readFileSync(configFile, 'utf8')).contexts).toHaveLength(1);
  });

  it(
    'switches between contexts of two organizations',
    async () => {
      const other = await createOrgWithUser(api.db);
      const otherCookie = await login(api, other);
      await db.prisma.machine.create({
        data: {
          organizationId: other.organizationId,
          cloudId: (
            await db.prisma.cloud.create({
              data: {
                organizationId: other.organizationId,
                provider: 'digitalocean',
                title: 'elsewhere',
                credentials: Buffer.from('x'),
                enabled: false,
              },
            })
          ).id,
          externalId: 'x-1',
          name: 'other-org-box',
          state: 'running',
        },
      });
      const made = await call('POST', '/api/v1/me/tokens', { name: 'ci', scope: 'read' }, otherCookie);
      expect(made.status).toBe(201);
      const added = await cli(['login', url, '--token', made.body.token, '--name', 'other']);
      expect(added.code).toBe(0);
      expect((await cli(['context', 'current'])).stdout).toBe('other\n');
      expect((await cli(['get', 'machines'])).stdout).toContain('other-org-box');
      // --context picks another for one command; `context use` switches.
      const once = await cli(['get', 'machines', '--context', 'main']);
      expect(once.stdout).toContain('box-0');
      expect(once.stdout).not.toContain('other-org-box');
      expect((await cli(['context', 'use', 'main'])).code).toBe(0);
      const back = await cli(['get', 'machines']);
      expect(back.stdout).not.toContain('other-org-box');
      expect((await cli(['context', 'use', 'nowhere'])).stderr).toContain('No context named "nowhere"');
    },
    MANY_CALLS_MS,
  );
});

describe('two-factor login', () => {
  it(
    'asks for the code the API wants, and logs in with one',
    async () => {
      const member = await addMember(api, owner.organizationId, 'member');
      const start = await call('POST', '/api/v1/me/totp', undefined, member.cookie);
      const key = base32Decode(start.body.secret);
      const confirmed = await call('POST', '/api/v1/me/totp/confirm', { code: totpCode(key) }, member.cookie);
      expect(confirmed.status).toBe(200);
      const args = ['login', url, '--email', member.email, '--password-stdin', '--name', 'second-factor'];
      const without = await cli(args, member.password);
      expect(without.code).toBe(1);
      expect(without.stderr).toBe(
        'error: Enter the 6-digit code from your authenticator app, or a recovery code.\n',
      );
      const wrong = await cli([...args, '--otp', '000000x'], member.password);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('That code is not right');
      const right = await cli([...args, '--otp', confirmed.body.codes[0]], member.password);
      expect(right.code).toBe(0);
      expect(right.stdout).toContain(`as ${member.email}`);
      expect((await cli(['context', 'current'])).stdout).toBe('second-factor\n');
      expect((await cli(['context', 'use', 'main'])).code).toBe(0);
    },
    MANY_CALLS_MS,
  );
});

describe('get', () => {
  it(
    'lists machines as a table, JSON, YAML and CSV',
    async () => {
      const table = await cli(['get', 'machines']);
      expect(table.code).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+STATE\s+CLOUD\s+SIZE\s+LOCATION\s+PUBLIC IP\s+TAGS$/);
      expect(lines).toHaveLength(1 + 5);
      expect(lines.find((l) => l.startsWith('box-0'))).toMatch(
        new RegExp(`box-0\\s+running\\s+${sshCloudTitle}`),
      );

      const json = JSON.parse((await cli(['get', 'machines', '-o', 'json'])).stdout);
      expect(json).toHaveLength(5);
      expect(json.find((m: { id: string }) => m.id === sshMachines[0]).name).toBe('box-0');

      const yaml = parseYaml((await cli(['get', 'machines', '-o', 'yaml'])).stdout);
      expect(yaml.map((m: { name: string }) => m.name).sort()).toEqual(
        json.map((m: { name: string }) => m.name).sort(),
      );

      const csv = (await cli(['get', 'machines', '-o', 'csv'])).stdout.trimEnd().split('\n');
      expect(csv[0]).toBe('NAME,STATE,CLOUD,SIZE,LOCATION,PUBLIC IP,TAGS');
      expect(csv).toHaveLength(6);

      const one = JSON.parse((await cli(['get', 'machines', 'box-1', '-o', 'json'])).stdout);
      expect(one).toMatchObject({ id: sshMachines[1], name: 'box-1' });
      const byId = (await cli(['get', 'machine', sshMachines[1]!])).stdout;
      expect(byId).toMatch(/^NAME.*\nbox-1\s/);
    },
    MANY_CALLS_MS,
  );

  it(
    'filters by cloud, state, tag and text',
    async () => {
      const names = async (...args: string[]) =>
        JSON.parse((await cli(['get', 'machines', '-o', 'json', ...args])).stdout)
          .map((m: { name: string }) => m.name)
          .sort();
      expect(await names('--cloud', sshCloudTitle)).toEqual(['box-0', 'box-1']);
      expect(await names('--cloud', 'do-cloud')).toHaveLength(3);
      expect(await names('--search', 'box-1')).toEqual(['box-1']);
      await call('POST', `/api/v1/machines/${sshMachines[0]}/tags`, { tags: { filtered: 'yes' } });
      expect(await names('--tag', 'filtered=yes')).toEqual(['box-0']);
      expect(await names('--state', 'stopped')).toEqual([]);
      const misplaced = await cli(['get', 'scripts', '--tag', 'x=y']);
      expect(misplaced.code).toBe(2);
      expect(misplaced.stderr).toContain('--tag does not apply to scripts');
      const clouds = await cli(['get', 'clouds', '-o', 'csv']);
      expect(clouds.stdout).toContain('do-cloud,digitalocean,');
    },
    MANY_CALLS_MS,
  );
});

describe('help and completion', () => {
  it(
    'has --help on every command, and completes names from the server',
    async () => {
      for (const command of [
        'login',
        'logout',
        'context',
        'get',
        'start',
        'stop',
        'reboot',
        'destroy',
        'deallocate',
        'tag',
        'run',
        'apply',
        'deploy',
        'ssh',
        'completion',
      ]) {
        const help = await cli([command, '--help']);
        expect(help.code, command).toBe(0);
        expect(help.stdout, command).toMatch(/^Usage:/);
      }
      // The bash script, run by bash with `overcast` on its PATH, completes commands and names.
      const bin = join(home, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(
        join(bin, 'overcast'),
        `#!/bin/sh\nexec "${process.execPath}" "${cliDir}/dist/main.js" "$@"\n`,
        {
          mode: 0o755,
        },
      );
      // Asynchronously: the api answering the completion runs in this very process.
      const complete = async (...words: string[]) =>
        (
          await execFileAsync('bash', ['-c', COMPLETE_IN_BASH, 'bash', ...words], {
            encoding: 'utf8',
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, OVERCAST_CONFIG: configFile },
          })
        ).stdout
          .split('\n')
          .filter(Boolean);
      expect(await complete('overcast', 'ge')).toEqual(['get']);
      expect(await complete('overcast', 'get', 'mach')).toEqual(['machines']);
      expect(await complete('overcast', 'stop', 'box-')).toEqual(['box-0', 'box-1']);
      expect(await complete('overcast', 'get', 'machines', '--wa')).toEqual(['--watch']);
      const unknown = await cli(['frobnicate']);
      expect(unknown.code).toBe(2);
    },
    MANY_CALLS_MS,
  );
});

describe('machines', () => {
  it(
    'tags a machine by name and removes a tag',
    async () => {
      const set = await cli(['tag', 'box-1', 'env=prod', 'role=web']);
      expect(set.code).toBe(0);
      let detail = await call('GET', `/api/v1/machines/${sshMachines[1]}`);
      expect(detail.body.userTags).toMatchObject({ env: 'prod', role: 'web' });
      expect((await cli(['tag', 'box-1', 'role-'])).code).toBe(0);
      detail = await call('GET', `/api/v1/machines/${sshMachines[1]}`);
      expect(detail.body.userTags).toEqual({ env: 'prod' });
    },
    MANY_CALLS_MS,
  );

  it(
    'stops a droplet and waits for it; a watch prints the change from the stream',
    async () => {
      const droplet = await db.prisma.machine.findFirstOrThrow({
        where: { cloudId: doCloudId, state: 'running' },
        orderBy: { name: 'asc' },
      });
      const watch = cliRunning(['get', 'machines', '--cloud', 'do-cloud', '--watch', '-o', 'json']);
      try {
        // The first listing: one JSON object a line.
        await waitFor(() => watch.stdout().trimEnd().split('\n').length >= 3, 'the first listing');
        const stopped = await cli(['stop', droplet.name, '--wait', '--timeout', '30']);
        expect(stopped.stderr).toBe('');
        expect(stopped.stdout).toBe(`${droplet.name}: stop requested\n${droplet.name}: stopped\n`);
        const seen = () =>
          watch
            .stdout()
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as { id: string; state: string })
            .some((m) => m.id === droplet.id && m.state === 'stopped');
        await waitFor(seen, 'the watch to print the stopped droplet', 20_000);
      } finally {
        watch.child.kill('SIGINT');
      }
      expect(watch.stderr()).toBe('');
    },
    MANY_CALLS_MS,
  );

  it(
    'names what it cannot find, with a non-zero exit',
    async () => {
      const missing = await cli(['stop', 'no-such-machine']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('error: No machine named "no-such-machine".\n');
      const unknownId = await cli(['get', 'machines', randomUUID()]);
      expect(unknownId.code).toBe(1);
      expect(unknownId.stderr).toMatch(/^error: .*not found/i);
      const destroy = await cli(['destroy', 'box-0']);
      expect(destroy.code).toBe(2);
      expect(destroy.stderr).toContain('needs --yes');
    },
    MANY_CALLS_MS,
  );
});

describe('run script', () => {
  it(
    'streams each machine’s output and exits with the worst machine’s status',
    async () => {
      await call('POST', `/api/v1/machines/${sshMachines[0]}/tags`, { tags: { fleet: 'cli' } });
      await call('POST', `/api/v1/machines/${sshMachines[1]}/tags`, { tags: { fleet: 'cli' } });
      const script = await call('POST', '/api/v1/scripts', {
        name: `greet-${randomBytes(3).toString('hex')}`,
        body: [
          'echo "hello $WHO"',
          'port=$(echo "$SSH_CONNECTION" | cut -d" " -f4)',
          'test "$port" = "$FAIL_PORT" && { echo "failing on purpose" >&2; exit 3; }',
          'exit 0',
        ].join('\n'),
        parameters: [
          { name: 'WHO', required: true },
          { name: 'FAIL_PORT', default: '0' },
        ],
      });
      expect(script.status).toBe(201);
      const name = script.body.name as string;

      const failing = await cli([
        'run',
        'script',
        name,
        '--on',
        'tag=fleet=cli',
        '--param',
        'WHO=world',
        '--param',
        `FAIL_PORT=${sshds[1]!.port}`,
      ]);
      expect(failing.stdout.split('\n').sort()).toEqual(['', 'box-0 | hello world', 'box-1 | hello world']);
      expect(failing.stderr).toContain('box-1 | failing on purpose');
      expect(failing.stderr).toContain('box-1: failed (exit 3)');
      expect(failing.stderr).toContain('box-0: succeeded');
      expect(failing.code).toBe(3);

      const fine = await cli(['run', 'script', name, '--on', 'machine=box-0', '--param', 'WHO=you']);
      expect(fine.stdout).toBe('hello you\n');
      expect(fine.code).toBe(0);

      const runs = await cli(['get', 'runs', '--script', name, '-o', 'json']);
      expect(JSON.parse(runs.stdout).map((r: { status: string }) => r.status)).toEqual([
        'succeeded',
        'failed',
      ]);

      const noTarget = await cli(['run', 'script', name, '--param', 'WHO=x']);
      expect(noTarget.code).toBe(2);
      const nothingMatches = await cli([
        'run',
        'script',
        name,
        '--on',
        'tag=fleet=nowhere',
        '--param',
        'WHO=x',
      ]);
      expect(nothingMatches.code).toBe(1);
      expect(nothingMatches.stderr).toContain('No machine matches the targets');
      const missingParam = await cli(['run', 'script', name, '--on', 'machine=box-0']);
      expect(missingParam.code).toBe(1);
      expect(missingParam.stderr).toMatch(/^error: .*WHO/);
    },
    MANY_CALLS_MS,
  );
});

describe('ssh', () => {
  it('runs commands in a terminal on the machine', async () => {
    const res = await cli(['ssh', 'box-0'], 'echo pty-$((6*7)); tty; stty size; exit\n');
    expect(res.stderr).not.toContain('error');
    expect(res.stdout).toContain('pty-42');
    expect(res.stdout).toMatch(/\/dev\/pts\/\d+/);
    // Without a local terminal the remote one is 80x24.
    expect(res.stdout).toMatch(/^24 80\r?$/m);
    expect(res.code).toBe(0);
  });
});

describe('ssh in a terminal', () => {
  /** The pseudo-terminal a process has as its standard input. */
  const ttyOf = (pid: number) => readlinkSync(`/proc/${pid}/fd/0`);
  const childOf = (pid: number) =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map(Number)
      .find((p) => {
        try {
          return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
        } catch {
          return false;
        }
      });

  it('puts the local terminal in raw mode and follows its size', async () => {
    // script(1) gives the CLI a real pseudo-terminal; stty on it resizes it like a window would.
    const command = `${process.execPath} dist/main.js ssh box-0`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: cliDir,
      env: { ...process.env, OVERCAST_CONFIG: configFile, HOME: home },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    const type = (text: string) => child.stdin.write(text);
    try {
      type('echo ready-$((1+1))\r');
      await waitFor(() => out.includes('ready-2'), 'the remote shell');
      const cliPid = await waitFor(() => childOf(child.pid!), 'the CLI process');
      const tty = ttyOf(cliPid);
      expect(tty).toMatch(/^\/dev\/pts\/\d+$/);
      // Raw mode: no local echo, no line editing; characters go out as typed.
      const modes = execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' });
      expect(modes).toMatch(/(^|\s)-icanon(\s|$)/m);
      expect(modes).toMatch(/(^|\s)-echo(\s|$)/m);
      execFileSync('stty', ['-F', tty, 'rows', '30', 'cols', '100']);
      type('stty size\r');
      await waitFor(() => /^30 100\r?$/m.test(out), 'the remote terminal to be 30x100');
      execFileSync('stty', ['-F', tty, 'rows', '43', 'cols', '132']);
      type('stty size\r');
      await waitFor(() => /^43 132\r?$/m.test(out), 'the remote terminal to be 43x132');
      type('exit\r');
      expect(await closed).toBe(0);
    } finally {
      child.kill();
    }
  });
});

describe('templates and stacks', () => {
  // One machine on the DigitalOcean emulator and one step; the machine answers SSH once an sshd
  // listens at the address the emulator gave it, as a droplet would after booting.
  const template = (say: string) => `description: One app server
inputs:
  code:
    type: number
    default: 0
resources:
  machines:
    app:
      cloud: do-cloud
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
steps:
  hello:
    on: [app]
    env:
      CODE: \${inputs.code}
    script: echo ${say}; exit $CODE
outputs:
  address: \${machines.app.address}
`;
  const file = (name: string, text: string) => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };

  it(
    'applies a file: made, unchanged the second time, a new version when it changed; problems by line',
    async () => {
      const path = file('app.yaml', template('hi'));
      const first = await cli(['apply', '-f', path]);
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe('template app created (version 1)\n');
      expect(first.code).toBe(0);
      const again = await cli(['apply', '-f', path]);
      expect(again.stdout).toBe('template app unchanged (version 1)\n');
      expect(again.code).toBe(0);
      const stored = await db.prisma.template.findFirstOrThrow({ where: { name: 'app' } });
      expect(await db.prisma.templateVersion.count({ where: { templateId: stored.id } })).toBe(1);

      writeFileSync(path, template('hello'));
      const changed = await cli(['apply', '-f', path]);
      expect(changed.stdout).toBe('template app updated to version 2\n');
      const piped = await cli(['apply', '-f', '-', '--name', 'app'], template('hello'));
      expect(piped.stdout).toBe('template app unchanged (version 2)\n');

      // Line 10 holds the size: the problem names it, and nothing is saved.
      const broken = file('broken.yaml', template('hi').replace('size: s-1vcpu-1gb', 'size: 12'));
      const refused = await cli(['apply', '-f', broken]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        new RegExp(`^${broken}:10:\\d+: resources\\.machines\\.app\\.size: .+\\n`),
      );
      expect(refused.stderr).toContain('error: broken has 1 problem; nothing was saved.\n');
      expect(await db.prisma.template.count({ where: { name: 'broken' } })).toBe(0);
      const noName = await cli(['apply', '-f', '-'], template('hi'));
      expect(noName.code).toBe(2);
    },
    MANY_CALLS_MS,
  );

  it(
    'lists templates with their version, source and catalog items',
    async () => {
      const stored = await db.prisma.template.findFirstOrThrow({ where: { name: 'app' } });
      const watch = cliRunning(['get', 'templates', '--watch', '-o', 'json']);
      try {
        await waitFor(() => watch.stdout().includes('"name":"app"'), 'the first listing');
        // Published by someone else: the watch hears it from the stream and prints the row again.
        const team = await call('POST', '/api/v1/teams', { name: 'cli-team' });
        const item = await call('POST', '/api/v1/catalog', {
          templateId: stored.id,
          name: 'App server',
          teamIds: [team.body.id],
        });
        expect(item.status).toBe(201);
        await waitFor(
          () => watch.stdout().includes('"catalog":["App server"]'),
          'the watch to print the item',
        );
      } finally {
        watch.child.kill('SIGINT');
      }
      expect(watch.stderr()).toBe('');
      const table = await cli(['get', 'templates']);
      expect(table.code).toBe(0);
      const [heading, ...rows] = table.stdout.trimEnd().split('\n');
      expect(heading).toMatch(/^NAME\s+VERSION\s+SOURCE\s+CATALOG\s+UPDATED$/);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(/^app\s+2\s+local\s+App server\s+\d{4}-/);
      const one = JSON.parse((await cli(['get', 'template', 'app', '-o', 'json'])).stdout);
      expect(one).toMatchObject({ id: stored.id, version: 2, catalog: ['App server'], git: null });
    },
    MANY_CALLS_MS,
  );

  it('deploys with --watch until deployed (exit 0) or failed (exit 1); get stacks shows them', async () => {
    const { items: keys } = (await call('GET', '/api/v1/ssh-keys')).body;
    const publicKey = keys[0].publicKey as string;
    /** Starts an sshd where the stack's machine is, once the emulator has given it an address. */
    const answerSsh = async (machine: string) => {
      const m = await waitFor(
        () =>
          db.prisma.machine.findFirst({ where: { name: machine, NOT: { publicIps: { isEmpty: true } } } }),
        `${machine} to have an address`,
        60_000,
      );
      sshds.push(await startSshd({ host: m.publicIps[0]!, port: 22, authorizedKeys: [publicKey] }));
    };

    const good = cli(['deploy', 'app', '--name', 'cli-good', '--watch']);
    await answerSsh('cli-good-app');
    const deployed = await good;
    expect(deployed.stderr).toBe('');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('resource app: ready\n');
    expect(deployed.stdout).toContain('step hello: succeeded\n');
    expect(deployed.stdout).toMatch(/stack cli-good deployed\n {2}address = 127\.[\d.]+\n$/);

    const bad = cli(['deploy', 'app', '--name', 'cli-bad', '--input', 'code=3', '-w']);
    await answerSsh('cli-bad-app');
    const failed = await bad;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('step hello: failed\n');
    expect(failed.stdout).toMatch(/stack cli-bad failed/);

    const table = await cli(['get', 'stacks']);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+TEMPLATE\s+STATUS\s+MACHINES\s+CREATED$/);
    expect(rows.find((r) => r.startsWith('cli-good'))).toMatch(
      /^cli-good\s+app@2\s+deployed\s+1\/1\s+\d{4}-/,
    );
    expect(rows.find((r) => r.startsWith('cli-bad'))).toMatch(/^cli-bad\s+app@2\s+failed\s+1\/1\s/);

    const unknown = await cli(['deploy', 'no-such-template', '--name', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No template named "no-such-template".\n');
    const badInput = await cli(['deploy', 'app', '--name', 'cli-x', '--input', 'nope=1']);
    expect(badInput.code).toBe(1);
    expect(badInput.stderr).toContain('The template has no input nope');
    expect(await db.prisma.stack.count({ where: { name: 'cli-x' } })).toBe(0);
  }, 240_000);
});

describe('tokens', () => {
  it(
    'logout revokes the token; a revoked token is refused in the API’s words',
    async () => {
      const config = JSON.parse(readFileSync(configFile, 'utf8'));
      const token = config.contexts.find((c: { name: string }) => c.name === 'main').token;
      const out = await cli(['logout', 'main']);
      expect(out.code).toBe(0);
      const revoked = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(revoked.status).toBe(401);
      // A context whose token was revoked elsewhere answers with the API's message.
      const stale = await cli(['login', url, '--token', token, '--name', 'stale']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toBe('error: The API token is unknown, revoked or expired.\n');
      const none = await cli(['get', 'machines', '--context', 'main']);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('No context named "main"');
    },
    MANY_CALLS_MS,
  );
});
