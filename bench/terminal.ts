// pnpm bench terminal [--quick] [--runs=N]
// The web terminal against a direct SSH client to the same loopback sshd: keystroke echo
// round-trip (browser WebSocket -> api -> ssh2 -> sshd and back), bulk output throughput,
// and the api's memory per open session. A bare WebSocket-to-ssh2 relay (bench/_ws-relay.ts)
// is measured too, to tell the api's own cost from that of having a process in the middle, and
// WeTTY (bench/_wetty.ts), the web terminal people self-host, as a peer. Medians of N runs (5).
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createUser } from '@overcast/core/auth';
import { connectSsh, generateKeyPair, type ShellStream } from '@overcast/ssh';
import { WebSocket } from 'ws';
import { startSshd } from '../test/support/sshd';
import { benchDatabase, fmt, median, percentile, table } from './_support';
import { startWetty, wettySocket } from './_wetty';

const quick = process.argv.includes('--quick');
const ECHO_SAMPLES = quick ? 100 : 400;
const BULK_MB = quick ? 16 : 64;
const SESSIONS = quick ? 10 : 30;
const DONE = '__BENCH_DONE__';
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const RUNS = runsArg ? Number(runsArg.slice('--runs='.length)) : quick ? 1 : 5;

/** The api as production runs it: its own process, from its built entry point. */
async function startApi(databaseUrl: string, recordings: string) {
  const root = resolve(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [resolve(root, 'scripts/build-app.mjs'), 'src/main.ts', 'src/migrate.ts', 'src/adduser.ts'],
    { cwd: resolve(root, 'apps/api') },
  );
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve(root, 'apps/api'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      OVERCAST_SETTINGS_DIR: mkdtempSync(join(tmpdir(), 'overcast-bench-')),
      OVERCAST_HOST: '127.0.0.1',
      OVERCAST_PORT: String(port),
      OVERCAST_LOG_LEVEL: 'warn',
      OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
      OVERCAST_SHELL_RECORDINGS_DIR: recordings,
      // Two bulk runs a session, warm-up included, stay under the recording cap.
      OVERCAST_LIMITS_RECORDING_MAX_MI_B: String(BULK_MB * 4 + 64),
      // The memory measure holds SESSIONS terminals open at once, as one person.
      OVERCAST_LIMITS_TERMINALS_PER_USER: String(SESSIONS + 5),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) break;
    if (i > 600) throw new Error('the api did not become ready within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0),
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** A terminal either way: write bytes, wait for output. */
interface Term {
  write(data: string): void;
  /** Resolves once `n` more bytes (from now) have arrived. */
  waitBytes(n: number): Promise<void>;
  /** Resolves once the output contains `text`, with the bytes received until then. */
  waitText(text: string): Promise<number>;
  close(): void;
}

function termOver(
  onData: (cb: (chunk: Buffer) => void) => void,
  write: (s: string) => void,
  close: () => void,
  /** A terminal that ends mid-measure fails the bench instead of hanging it. */
  onEnd?: (cb: (why: string) => void) => void,
): Term {
  let total = 0;
  let tail = '';
  let waiter: (() => boolean) | null = null;
  let failWaiter: ((err: Error) => void) | null = null;
  onEnd?.((why) => failWaiter?.(new Error(`the terminal closed: ${why}`)));
  onData((chunk) => {
    total += chunk.length;
    tail = (tail + chunk.toString('latin1')).slice(-256);
    if (waiter?.()) waiter = null;
  });
  return {
    write,
    close,
    waitBytes(n) {
      const target = total + n;
      return new Promise((r, fail) => {
        failWaiter = fail;
        waiter = () => {
          if (total < target) return false;
          r();
          return true;
        };
      });
    },
    waitText(text) {
      const start = total;
      tail = '';
      return new Promise((r, fail) => {
        failWaiter = fail;
        waiter = () => {
          if (!tail.includes(text)) return false;
          r(total - start);
          return true;
        };
      });
    },
  };
}

function directTerm(shell: ShellStream): Term {
  return termOver(
    (cb) => shell.on('data', cb),
    (s) => shell.write(s),
    () => shell.destroy(),
  );
}

/** The bare relay of bench/_ws-relay.ts, in its own process like the api. */
async function startRelay(ssh: { host: string; port: number; user: string; privateKey: string }) {
  const child = fork(resolve(import.meta.dirname, '_ws-relay.ts'), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      RELAY_SSH_HOST: ssh.host,
      RELAY_SSH_PORT: String(ssh.port),
      RELAY_SSH_USER: ssh.user,
      RELAY_SSH_KEY: ssh.privateKey,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  process.once('exit', () => child.kill());
  const port = await new Promise<number>((r) => child.once('message', (m) => r(Number(m))));
  return { url: `ws://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function webTerm(url: string, cookie = ''): Promise<Term> {
  const ws = new WebSocket(url, { headers: { cookie } });
  const listeners: ((chunk: Buffer) => void)[] = [];
  await new Promise<void>((resolveOpen, reject) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) for (const l of listeners) l(data);
      else {
        const msg = JSON.parse(data.toString());
        if (msg.type === 'status' && msg.state === 'connected') resolveOpen();
        if (msg.type === 'error') reject(new Error(`${msg.code}: ${msg.message}`));
      }
    });
    ws.once('error', reject);
  });
  let closing = false;
  return termOver(
    (cb) => listeners.push(cb),
    (s) => ws.send(Buffer.from(s), { binary: true }),
    () => {
      closing = true;
      ws.close();
    },
    (cb) => ws.on('close', (code, reason) => closing || cb(`${code} ${reason.toString()}`)),
  );
}

async function wettyTerm(base: string): Promise<Term> {
  const listeners: ((chunk: Buffer) => void)[] = [];
  const socket = await wettySocket(base, (chunk) => {
    for (const l of listeners) l(chunk);
  });
  return termOver(
    (cb) => listeners.push(cb),
    (s) => socket.emit('input', s),
    () => socket.close(),
  );
}

/** Puts the terminal in raw mode running cat: every byte typed comes straight back once. */
async function rawCat(term: Term): Promise<void> {
  const ready = term.waitText('RAW_READY');
  term.write(`stty raw -echo; echo RAW_""READY; cat\n`);
  await ready;
  await new Promise((r) => setTimeout(r, 200));
}

async function echoLatencies(term: Term): Promise<number[]> {
  await rawCat(term);
  const out: number[] = [];
  for (let i = 0; i < ECHO_SAMPLES + 20; i++) {
    const t = performance.now();
    const got = term.waitBytes(1);
    term.write('k');
    await got;
    if (i >= 20) out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function bulk(term: Term): Promise<{ seconds: number; bytes: number }> {
  const t = performance.now();
  const done = term.waitText(DONE);
  term.write(`head -c ${BULK_MB}M /dev/zero | base64; echo __BENCH_""DONE__\n`);
  const bytes = await done;
  return { seconds: (performance.now() - t) / 1000, bytes };
}

async function main() {
  const bench = await benchDatabase();
  const recordings = mkdtempSync(join(tmpdir(), 'overcast-bench-rec-'));
  const pair = await generateKeyPair();
  const sshd = await startSshd({ authorizedKeys: [pair.publicKey] });
  const api = await startApi(bench.url, recordings);
  try {
    const { db } = bench;
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    const user = await createUser(db, { email, password: 'bench-password-1', admin: true });
    const login = await fetch(`${api.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'bench-password-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const key = await fetch(`${api.base}/api/v1/ssh-keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', privateKey: pair.privateKey }),
    });
    if (key.status !== 201) throw new Error(`key import failed: ${await key.text()}`);
    const cloud = await db.prisma.cloud.create({
      data: {
        organizationId: user.organizationId,
        provider: 'ssh_host',
        title: 'bench',
        credentials: Buffer.from('x'),
        // SSH hosts are reached only at the address they were added with.
        config: { hosts: [{ address: sshd.host, port: sshd.port, username: sshd.user }] },
      },
    });
    const machine = await db.prisma.machine.create({
      data: {
        organizationId: user.organizationId,
        cloudId: cloud.id,
        externalId: `${sshd.host}:${sshd.port}`,
        name: 'bench',
        state: 'running',
        publicIps: [sshd.host],
        sshPort: sshd.port,
        sshUser: sshd.user,
      },
    });

    const conn = await connectSsh({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKey: pair.privateKey,
    });
    const relay = await startRelay({ ...sshd, privateKey: pair.privateKey });
    const keyFile = join(recordings, 'wetty-key');
    writeFileSync(keyFile, pair.privateKey, { mode: 0o600 });
    const wetty = await startWetty({ ...sshd, keyFile });
    const shellUrl = `${api.base.replace('http', 'ws')}/api/v1/machines/${machine.id}/shell?cols=120&rows=40`;
    const paths: { name: string; open(): Promise<Term> }[] = [
      {
        name: 'direct ssh2 -> sshd',
        open: async () => directTerm(await conn.shell({ cols: 120, rows: 40 })),
      },
      { name: 'WebSocket -> bare relay -> ssh2 -> sshd', open: () => webTerm(relay.url) },
      { name: 'WebSocket -> api -> ssh2 -> sshd', open: () => webTerm(shellUrl, cookie) },
      { name: 'socket.io -> WeTTY -> ssh -> sshd', open: () => wettyTerm(wetty.base) },
    ];
    const runs = paths.map(() => ({ p50: [] as number[], p99: [] as number[], mbps: [] as number[] }));
    for (let run = 0; run < RUNS; run++) {
      for (const [i, path] of paths.entries()) {
        process.stderr.write(`run ${run + 1}/${RUNS}: ${path.name}\n`);
        const echoTerm = await path.open();
        const echo = await echoLatencies(echoTerm);
        echoTerm.close();
        const bulkTerm = await path.open();
        await bulk(bulkTerm); // warm-up
        const result = await bulk(bulkTerm);
        bulkTerm.close();
        runs[i]!.p50.push(percentile(echo, 50));
        runs[i]!.p99.push(percentile(echo, 99));
        runs[i]!.mbps.push(result.bytes / 1e6 / result.seconds);
      }
    }
    relay.stop();
    wetty.stop();
    await conn.close();
    const m = runs.map((r) => ({ p50: median(r.p50), p99: median(r.p99), mbps: median(r.mbps) }));
    const [direct, relayed, web, peer] = m as [(typeof m)[0], (typeof m)[0], (typeof m)[0], (typeof m)[0]];
    const ratio = (a: number, b: number) => fmt(a / b, 2);

    console.log(
      `\nKeystroke echo round-trip, ${ECHO_SAMPLES} keystrokes (raw tty, cat), medians of ${RUNS} runs — ` +
        'targets: api within 1.1x of the bare relay, and below WeTTY\n',
    );
    table([
      ['path', 'p50 (ms)', 'p99 (ms)', 'p50 per run'],
      ...paths.map((p, i) => [
        p.name,
        fmt(m[i]!.p50, 3),
        fmt(m[i]!.p99, 3),
        runs[i]!.p50.map((x) => fmt(x, 2)).join(' '),
      ]),
      ['ratio api / direct', ratio(web.p50, direct.p50), ratio(web.p99, direct.p99), ''],
      ['ratio api / bare relay', ratio(web.p50, relayed.p50), ratio(web.p99, relayed.p99), ''],
      ['ratio api / WeTTY', ratio(web.p50, peer.p50), ratio(web.p99, peer.p99), ''],
    ]);

    console.log(
      `\nBulk output: head -c ${BULK_MB}M /dev/zero | base64 (recorded to disk through the api), medians of ${RUNS} runs — ` +
        'target: api at least WeTTY\n',
    );
    table([
      ['path', 'MB/s', 'per run'],
      ...paths.map((p, i) => [p.name, fmt(m[i]!.mbps, 1), runs[i]!.mbps.map((x) => fmt(x, 0)).join(' ')]),
      ['ratio api / direct', ratio(web.mbps, direct.mbps), ''],
      ['ratio api / WeTTY', ratio(web.mbps, peer.mbps), ''],
    ]);

    // Memory: N idle sessions held open.
    await new Promise((r) => setTimeout(r, 1_000));
    const before = api.rssKb();
    const terms: Term[] = [];
    for (let i = 0; i < SESSIONS; i++) terms.push(await webTerm(shellUrl, cookie));
    await new Promise((r) => setTimeout(r, 2_000));
    const after = api.rssKb();
    for (const t of terms) t.close();
    console.log(`\nApi memory per open session (${SESSIONS} sessions)\n`);
    table([
      ['RSS before (MB)', 'RSS after (MB)', 'per session (KB)'],
      [fmt(before / 1024), fmt(after / 1024), fmt((after - before) / SESSIONS, 0)],
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await api.stop();
    await sshd.stop();
    await bench.drop();
    rmSync(recordings, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
