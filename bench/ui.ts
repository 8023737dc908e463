// pnpm bench ui [--quick]
// The web app in headless Chromium against the real stack (built api, worker and web) with
// 10,000 machines (--quick: 2,000) from the DigitalOcean emulator. Each figure is printed
// beside a baseline measured in the same run:
//   1. navigation to the Machines table painted   vs  navigation to a static asset
//   2. first-page JavaScript, gzipped              vs  a bare React app bundled in this run
//   3. a state change, from the poll publishing it to the row showing it
//                                                  vs  one API request for that machine from the page
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { paths } from '../e2e/support/paths';
import { type Stack, startStack } from '../e2e/support/stack';
import { fmt, table } from './_support';

const quick = process.argv.includes('--quick');
const MACHINES = quick ? 2_000 : 10_000;
const NAV_RUNS = quick ? 3 : 7;
const LIVE_RUNS = quick ? 3 : 7;
const TOKEN = 'bench-ui-token';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const now = () => performance.timeOrigin + performance.now();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const kb = (bytes: number) => `${fmt(bytes / 1024)} kB`;

interface Session {
  base: string;
  cookie: { name: string; value: string };
  organizationId: string;
}

async function logIn(stack: Stack): Promise<Session> {
  const res = await fetch(`${stack.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(stack.admin),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  const me = (await res.json()) as { organization: { id: string } };
  const [name, value] = res.headers.get('set-cookie')!.split(';')[0]!.split('=') as [string, string];
  return { base: stack.baseURL, cookie: { name, value }, organizationId: me.organization.id };
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

async function newContext(browser: Browser, session: Session): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ ...session.cookie, url: session.base }]);
  return context;
}

/**
 * Marks, in page time, when the first machine row exists and when it has been painted.
 * Plain JavaScript text: a compiled function could carry helpers the page doesn't have.
 */
const PAINT_PROBE = `
new MutationObserver(function () {
  if (window.__rowsAt || !document.querySelector('tbody tr[data-machine-id]')) return;
  window.__rowsAt = performance.now();
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { window.__paintedAt = performance.now(); });
  });
}).observe(document, { childList: true, subtree: true });
`;

async function navigation(browser: Browser, session: Session) {
  const table: number[] = [];
  const asset: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < NAV_RUNS; i++) {
    // Cold: a fresh profile, nothing cached, as a first visit.
    const context = await newContext(browser, session);
    await context.addInitScript({ content: PAINT_PROBE });
    const page = await context.newPage();
    await page.goto(`${session.base}/favicon.svg`);
    asset.push(
      await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
      ),
    );
    await page.goto(`${session.base}/machines`);
    await page.waitForFunction(() => (window as { __paintedAt?: number }).__paintedAt, null, {
      timeout: 30_000,
    });
    table.push(await page.evaluate(() => (window as unknown as { __paintedAt: number }).__paintedAt));
    // Warm: the same profile again, code from the cache.
    await page.goto(`${session.base}/machines`);
    await page.waitForFunction(() => (window as { __paintedAt?: number }).__paintedAt, null, {
      timeout: 30_000,
    });
    warm.push(await page.evaluate(() => (window as unknown as { __paintedAt: number }).__paintedAt));
    await context.close();
  }
  // The first cold run also warms the server (query plans, file cache): it is left out.
  const drop = (xs: number[]) => (xs.length > 2 ? xs.slice(1) : xs);
  return { table: median(drop(table)), warm: median(drop(warm)), asset: median(drop(asset)) };
}

/** gzip, default level, as a server compressing on the fly would send it. */
const gz = (file: string) => gzipSync(readFileSync(file)).length;

async function bundles(browser: Browser, session: Session) {
  const html = readFileSync(join(paths.webDist, 'index.html'), 'utf8');
  const firstPage = [
    ...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const entryGz = firstPage.reduce((sum, src) => sum + gz(join(paths.webDist, src)), 0);

  // What the Machines page really loads, including its own chunk.
  const context = await newContext(browser, session);
  await context.addInitScript({ content: PAINT_PROBE });
  const page = await context.newPage();
  await page.goto(`${session.base}/machines`);
  await page.waitForFunction(() => (window as { __paintedAt?: number }).__paintedAt, null, {
    timeout: 30_000,
  });
  const loaded: string[] = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.js')),
  );
  await context.close();
  const machinesGz = [...new Set(loaded)]
    .filter((p) => existsSync(join(paths.webDist, p)))
    .reduce((sum, p) => sum + gz(join(paths.webDist, p)), 0);

  // The floor for any React app: React and ReactDOM rendering one element, minified.
  const bare = await build({
    stdin: {
      contents: "import { createRoot } from 'react-dom/client'; createRoot(document.body).render('hello');",
      resolveDir: join(paths.webDist, '..'),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const bareGz = gzipSync(bare.outputFiles[0]!.contents).length;
  return { entryGz, machinesGz, bareGz, files: firstPage.length };
}

async function live(browser: Browser, session: Session, sim: DigitalOceanSim, cloudId: string) {
  const account = sim.account(TOKEN);
  const target = account.listDroplets()[0]!;
  const machine = (
    await call<{ items: { id: string; name: string }[] }>(
      session,
      'GET',
      `/machines?q=${target.name}&limit=1`,
    )
  ).items[0]!;

  const context = await newContext(browser, session);
  await context.addInitScript({ content: PAINT_PROBE });
  const page = await context.newPage();
  await page.goto(`${session.base}/machines`);
  await page.waitForFunction(() => (window as { __paintedAt?: number }).__paintedAt, null, {
    timeout: 30_000,
  });
  await page.locator(`tr[data-machine-id="${machine.id}"]`).waitFor();
  // A bare socket beside the app's own: when the same event reaches the page at all.
  await page.evaluate((id) => {
    const w = window as unknown as { __wsAt?: number; __wsOpen?: boolean };
    const ws = new WebSocket(`ws://${location.host}/api/v1/stream`);
    ws.onopen = () => (w.__wsOpen = true);
    ws.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (e.type === 'machine.changed' && e.machineId === id && e.kind === 'state_changed') {
        w.__wsAt = performance.timeOrigin + performance.now();
      }
    };
  }, machine.id);
  await page.waitForFunction(() => (window as { __wsOpen?: boolean }).__wsOpen);

  const subscriber = new Redis(process.env.E2E_BENCH_REDIS_URL!);
  const channel = `org:${session.organizationId}:events`;
  let publishedAt = 0;
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel, message: string) => {
    const e = JSON.parse(message);
    if (e.type === 'machine.changed' && e.machineId === machine.id && e.kind === 'state_changed')
      publishedAt = now();
  });

  const dom: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < LIVE_RUNS; i++) {
    const off = i % 2 === 0;
    const expected = off ? 'stopped' : 'running';
    publishedAt = 0;
    await page.evaluate(
      ({ id, expected }) => {
        const w = window as unknown as { __wsAt?: number; __domAt?: number };
        w.__wsAt = undefined;
        w.__domAt = undefined;
        const cell = document.querySelector(`tr[data-machine-id="${id}"] td[data-state]`)!;
        const observer = new MutationObserver(() => {
          const current = document.querySelector<HTMLElement>(`tr[data-machine-id="${id}"] td[data-state]`);
          if (current?.dataset.state === expected) {
            w.__domAt = performance.timeOrigin + performance.now();
            observer.disconnect();
          }
        });
        observer.observe(cell.closest('tbody')!, {
          attributes: true,
          childList: true,
          subtree: true,
          characterData: true,
        });
      },
      { id: machine.id, expected },
    );
    account.mutateDroplet(target.id, { status: off ? 'off' : 'active' });
    await call(session, 'POST', `/clouds/${cloudId}/refresh`);
    await page.waitForFunction(() => (window as { __domAt?: number }).__domAt, null, { timeout: 60_000 });
    const { domAt, wsAt } = await page.evaluate(() => {
      const w = window as unknown as { __wsAt: number; __domAt: number };
      return { domAt: w.__domAt, wsAt: w.__wsAt };
    });
    if (!publishedAt) throw new Error('the state change was not seen on Redis');
    dom.push(domAt - publishedAt);
    ws.push(wsAt - publishedAt);
  }
  // Baseline: one API round trip from the same page, for the same machine.
  const rtt: number[] = await page.evaluate(async (id) => {
    const out: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await (await fetch(`/api/v1/machines/${id}`)).text();
      out.push(performance.now() - t);
    }
    return out;
  }, machine.id);
  subscriber.disconnect();
  await context.close();
  return { dom: median(dom), domMax: Math.max(...dom), ws: median(ws), rtt: median(rtt.slice(1)) };
}

async function main() {
  if (!existsSync(join(paths.webDist, 'index.html'))) throw new Error('Build first: corepack pnpm build');
  console.log(`Starting the stack and the DigitalOcean emulator with ${MACHINES.toLocaleString()} droplets…`);
  const sim = await startDigitalOceanSim({
    accounts: [{ token: TOKEN, droplets: MACHINES, namePrefix: 'bench' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
    rateLimit: { limit: 10_000_000, windowMs: 3_600_000 },
  });
  const stack = await startStack({ adminEmail: 'bench-ui@example.com' });
  process.env.E2E_BENCH_REDIS_URL = stack.env.REDIS_URL;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const session = await logIn(stack);
    // Scheduled polls are pushed out of the way: the live figure times the polls it asks for.
    const cloud = await call<{ id: string }>(session, 'POST', '/clouds', {
      provider: 'digitalocean',
      title: 'Bench DigitalOcean',
      credentials: { token: TOKEN },
      endpoint: sim.url,
      pollIntervalSeconds: 86_400,
    });
    const started = Date.now();
    for (;;) {
      const { total } = await call<{ total: number }>(session, 'GET', '/machines?limit=1');
      if (total >= MACHINES) break;
      if (Date.now() - started > 300_000) throw new Error(`only ${total} machines after 5 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(
      `${MACHINES.toLocaleString()} machines imported in ${fmt((Date.now() - started) / 1000)} s; measuring…\n`,
    );

    const nav = await navigation(browser, session);
    const js = await bundles(browser, session);
    const change = await live(browser, session, sim, cloud.id);

    table([
      ['figure', 'measured', 'baseline', 'ratio', 'target'],
      [
        'navigation → Machines table painted (cold)',
        `${fmt(nav.table, 0)} ms`,
        `${fmt(nav.asset, 0)} ms static asset`,
        fmt(nav.table / nav.asset, 1),
        '< 1000 ms',
      ],
      [
        'navigation → Machines table painted (warm)',
        `${fmt(nav.warm, 0)} ms`,
        `${fmt(nav.asset, 0)} ms static asset`,
        fmt(nav.warm / nav.asset, 1),
        '< 1000 ms',
      ],
      [
        `first-page JS, gzipped (${js.files} files)`,
        kb(js.entryGz),
        `${kb(js.bareGz)} bare React app`,
        fmt(js.entryGz / js.bareGz, 2),
        '< 300 kB',
      ],
      [
        'JS loaded by /machines, gzipped',
        kb(js.machinesGz),
        `${kb(js.bareGz)} bare React app`,
        fmt(js.machinesGz / js.bareGz, 2),
        '< 300 kB',
      ],
      [
        'poll published → row changed (median)',
        `${fmt(change.dom, 1)} ms`,
        `${fmt(change.rtt, 1)} ms one API request`,
        fmt(change.dom / change.rtt, 1),
        '< 500 ms',
      ],
      ['poll published → row changed (worst)', `${fmt(change.domMax, 1)} ms`, '', '', '< 500 ms'],
    ]);
    console.log(
      `\n${MACHINES.toLocaleString()} machines; medians of ${NAV_RUNS - 1} navigations (first left out) and ${LIVE_RUNS} state changes.`,
    );
    console.log(
      `The event itself reaches a bare WebSocket in the page ${fmt(change.ws, 1)} ms after it is published; the rest is the app's own work.`,
    );
  } finally {
    await browser.close();
    await stack.stop();
    await sim.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
