import { readFile } from 'node:fs/promises';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { snapshotCosts } from '@overcast/core/cost';
import { createDatabase } from '@overcast/db';
import { test as base, expect } from '@playwright/test';
import { logIn } from './support/login';
import { type Stack, startStack } from './support/stack';

// Six droplets, tagged team=web or team=data, and 45 days of snapshots taken by the real snapshot
// job: the Cost page groups them by that tag, and its CSV download carries the same numbers.

interface CostWorld {
  stack: Stack;
  sim: DigitalOceanSim;
}

const TOKEN = 'e2e-cost-token';
const DROPLETS = 6;
const DAYS = 45;

const test = base.extend<object, { costWorld: CostWorld }>({
  costWorld: [
    async ({ browser }, use) => {
      const sim = await startDigitalOceanSim({
        accounts: [{ token: TOKEN, droplets: DROPLETS }],
        bootDelayMs: 0,
        actionDelayMs: 0,
      });
      const stack = await startStack({ adminEmail: 'e2e-cost@example.com' });
      // A setup that fails leaves no stack or emulator behind.
      try {
        const admin = await browser.newContext({ baseURL: stack.baseURL });
        await logIn(await admin.newPage(), stack.admin);
        const api = admin.request;
        const cloud = await api.post('/api/v1/clouds', {
          data: { provider: 'digitalocean', title: 'DO', credentials: { token: TOKEN }, endpoint: sim.url },
        });
        expect(cloud.status()).toBe(201);
        let machines: { id: string; costMonthly: string | null }[] = [];
        await expect
          .poll(
            async () => {
              machines = (await (await api.get('/api/v1/machines?limit=100')).json()).items;
              return machines.filter((m) => m.costMonthly !== null).length;
            },
            { timeout: 60_000 },
          )
          .toBe(DROPLETS);
        for (const [n, m] of machines.entries()) {
          const tagged = await api.post(`/api/v1/machines/${m.id}/tags`, {
            data: { tags: { team: n % 3 === 0 ? 'data' : 'web' } },
          });
          expect(tagged.status()).toBeLessThan(300);
        }
        await admin.close();
        const db = createDatabase({ url: stack.env.DATABASE_URL as string, max: 2 });
        const today = Date.parse(new Date().toISOString().slice(0, 10));
        for (let d = DAYS - 1; d >= 0; d--) await snapshotCosts(db, new Date(today - d * 86_400_000));
        await db.close();
      } catch (error) {
        await stack.stop();
        await sim.close();
        throw error;
      }
      await use({ stack, sim });
      await stack.stop();
      await sim.close();
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  baseURL: async ({ costWorld }, use) => use(costWorld.stack.baseURL),
});

/** RFC 4180 rows: quoted cells with doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  return rows;
}

const cents = (s: string) => Math.round(Number(s.replace(/[^0-9.-]/g, '')) * 100);

test('the Cost page groups spend by a tag, and the CSV carries the same numbers', async ({
  page,
  costWorld,
}) => {
  test.setTimeout(120_000);
  await logIn(page, costWorld.stack.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost' }).click();
  await expect(page.getByRole('heading', { name: 'Cost', level: 1 })).toBeVisible();
  await expect(page.getByText('Spend over time')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('cost-groups').locator('tbody tr')).toHaveCount(1); // one cloud

  await page.getByLabel('Group by').selectOption({ label: 'By tag team' });
  await expect(page).toHaveURL(/groupBy=tag%3Ateam/);
  const table = page.getByTestId('cost-groups');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tr[data-group="web"]')).toBeVisible();
  await expect(table.locator('tr[data-group="data"]')).toBeVisible();

  // The numbers shown are the report's.
  const url = new URL(page.url());
  const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date().toISOString().slice(0, 10);
  expect(url.searchParams.get('groupBy')).toBe('tag:team');
  const report = await (
    await page.request.get(`/api/v1/cost/report?from=${from}&to=${to}&groupBy=tag:team&granularity=day`)
  ).json();
  expect(cents(report.total)).toBeGreaterThan(0);
  await expect(page.getByTestId('cost-total')).toHaveText(/\d/);
  expect(cents((await page.getByTestId('cost-total').textContent()) ?? '')).toBe(cents(report.total));
  for (const g of report.groups as { label: string; total: string }[]) {
    const shown = await table.locator(`tr[data-group="${g.label}"] td`).nth(1).textContent();
    expect(cents(shown ?? ''), g.label).toBe(cents(g.total));
  }

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`overcast-cost-tag_team-${from}-${to}.csv`);
  const [header, ...rows] = parseCsv(await readFile(await download.path(), 'utf8'));
  expect(header).toEqual(['period', 'group', 'group_key', 'spend_usd']);
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['web', 'data']));
  expect(rows).toHaveLength(90 * 2);
  for (const g of report.groups as { label: string; total: string }[]) {
    const sum = rows.filter((r) => r[1] === g.label).reduce((s, r) => s + cents(r[3] as string), 0);
    expect(sum, g.label).toBe(cents(g.total));
  }
  // Only the last DAYS days have snapshots; the earlier days are there, at zero.
  expect(rows.filter((r) => cents(r[3] as string) > 0).length).toBe(DAYS * 2);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the Cost page fits a 390 px phone in ${scheme} mode`, async ({ page, costWorld }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: scheme });
    await logIn(page, costWorld.stack.admin);
    await page.goto('/cost?groupBy=tag%3Ateam');
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await expect(page.getByTestId('cost-groups').locator('tr[data-group="web"]')).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByTestId('savings-headline')).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `test-results/cost/${scheme}.png`, fullPage: true });
  });
}
