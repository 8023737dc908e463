// pnpm bench docker [--quick]
// A Docker engine (the emulator, on a unix socket) with a few dozen containers, followed by the
// real stack (built api, worker and web) and the dashboard in headless Chromium. Measured:
//   a container's state changed on the engine → its row in the Machines table showing it
//                                                  vs  the same engine event reaching a plain
//                                                      /events subscriber (raw delivery)
// Target: under 1 s. The scheduled poll is an hour away, so every change travels by events.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerSim, startDockerSim } from '@overcast/cloud-sim';
import { type Browser, chromium } from '@playwright/test';
import { paths } from '../e2e/support/paths';
import { type Stack, startStack } from '../e2e/support/stack';
import { fmt, median, percentile, table } from './_support';

const quick = process.argv.includes('--quick');
const CONTAINERS = quick ? 20 : 60;
const RUNS = quick ? 6 : 20;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const now = () => performance.timeOrigin + performance.now();
const p90 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    90,
  );

interface Session {
  base: string;
  cookie: { name: string; value: string };
}

async function logIn(stack: Stack): Promise<Session> {
  const res = await fetch(`${stack.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(stack.admin),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  const [name, value] = res.headers.get('set-cookie')!.split(';')[0]!.split('=') as [string, string];
  return { base: stack.baseURL, cookie: { name, value } };
}

async function call<T>(session: Session, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${session.base}/api/v1${path}`, {
    method,
    headers: {
      cookie: `${session.cookie.name}=${session.cookie.value}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The baseline: a bare /events subscriber on the engine's socket, noting when each event lands. */
function rawSubscriber(sim: DockerSim, onEvent: (e: { Action: string; Actor: { ID: string } }) => void) {
  const req = request({
    socketPath: sim.socketPath as string,
    path: '/v1.47/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D',
  });
  req.on('response', (res) => {
    let buffer = '';
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        onEvent(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

async function measure(browser: Browser, session: Session, sim: DockerSim) {
  const { items } = await call<{ items: { id: string; name: string; externalId: string }[] }>(
    session,
    'GET',
    '/machines?q=bench-0000&limit=1',
  );
  const machine = items[0]!;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ ...session.cookie, url: session.base }]);
  const page = await context.newPage();
  await page.goto(`${session.base}/machines`);
  await page.locator(`tr[data-machine-id="${machine.id}"] td[data-state]`).waitFor({ timeout: 30_000 });

  let rawAt = 0;
  let wantAction = '';
  const stopRaw = rawSubscriber(sim, (e) => {
    if (e.Actor.ID === machine.externalId && e.Action === wantAction && !rawAt) rawAt = now();
  });
  await new Promise((r) => setTimeout(r, 500));

  const dashboard: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const stop = i % 2 === 0;
    const expected = stop ? 'stopped' : 'running';
    await page.evaluate(
      ({ id, expected }) => {
        const w = window as unknown as { __domAt?: number };
        w.__domAt = undefined;
        const observer = new MutationObserver(() => {
          const cell = document.querySelector<HTMLElement>(`tr[data-machine-id="${id}"] td[data-state]`);
          if (cell?.dataset.state === expected) {
            w.__domAt = performance.timeOrigin + performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document.querySelector('tbody')!, {
          attributes: true,
          childList: true,
          subtree: true,
          characterData: true,
        });
      },
      { id: machine.id, expected },
    );
    rawAt = 0;
    wantAction = stop ? 'stop' : 'start';
    const changedAt = now();
    if (stop) sim.engine.stop(machine.externalId);
    else sim.engine.start(machine.externalId);
    await page.waitForFunction(() => (window as { __domAt?: number }).__domAt, null, { timeout: 30_000 });
    const domAt = await page.evaluate(() => (window as unknown as { __domAt: number }).__domAt);
    dashboard.push(domAt - changedAt);
    raw.push(rawAt - changedAt);
    // Let the follow-up sync settle, so runs do not overlap.
    await new Promise((r) => setTimeout(r, 300));
  }
  stopRaw();
  await context.close();
  return { dashboard, raw };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-bench-docker-'));
  console.log(`Starting the Docker emulator with ${CONTAINERS} containers and the stack…`);
  const sim = await startDockerSim({ socketPath: join(dir, 'docker.sock') });
  sim.engine.addImage('alpine:3.20');
  for (let i = 0; i < CONTAINERS; i++) {
    const c = sim.engine.createContainer({
      name: `bench-${String(i).padStart(4, '0')}`,
      image: 'alpine:3.20',
      labels: { bench: 'docker', index: String(i) },
      ports: [{ privatePort: 80, type: 'tcp', publicPort: 20_000 + i }],
    });
    if (i % 4 !== 3) sim.engine.start(c.id);
  }
  const stack = await startStack({ adminEmail: 'bench-docker@example.com' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const session = await logIn(stack);
    await call(session, 'POST', '/clouds', {
      provider: 'docker',
      title: 'Bench engine',
      credentials: {},
      config: { host: `unix://${sim.socketPath}` },
      pollIntervalSeconds: 3_600,
    });
    const started = Date.now();
    for (;;) {
      const { total } = await call<{ total: number }>(session, 'GET', '/machines?limit=1');
      if (total >= CONTAINERS && sim.eventStreamCount() >= 1) break;
      if (Date.now() - started > 60_000) throw new Error(`only ${total} containers listed after a minute`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { dashboard, raw } = await measure(browser, session, sim);
    const med = median(dashboard);
    table([
      ['figure', 'median', 'p90', 'max', 'baseline (median)', 'ratio', 'target'],
      [
        'engine state change → dashboard row',
        `${fmt(med, 0)} ms`,
        `${fmt(p90(dashboard), 0)} ms`,
        `${fmt(Math.max(...dashboard), 0)} ms`,
        `${fmt(median(raw), 1)} ms raw /events delivery`,
        fmt(med / Math.max(median(raw), 0.1), 0),
        `< 1000 ms: ${Math.max(...dashboard) < 1000 ? 'met' : med < 1000 ? 'met at the median' : 'MISSED'}`,
      ],
    ]);
    console.log(
      `\n${CONTAINERS} containers; ${RUNS} state changes (stop/start alternating), made on the engine.`,
    );
  } finally {
    await browser.close();
    await stack.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!(await import('node:fs')).existsSync(join(paths.webDist, 'index.html'))) {
  console.error('Build first: corepack pnpm build');
  process.exit(1);
}
await main();
