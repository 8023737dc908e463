import { resolve } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { test as base, expect } from '@playwright/test';
import { logIn } from './support/login';
import { type Stack, startStack } from './support/stack';

// On a stopped droplet's page: a snapshot is taken and listed, then the droplet is resized from
// the sizes of its region, each with its price and the difference, and the page shows the new
// size and monthly price. A shut-off libvirt domain (the test driver's fixture host) is cloned
// from its page; a droplet, whose provider does not clone, offers no Clone.

interface SnapshotWorld {
  stack: Stack;
  sim: DigitalOceanSim;
  machineId: string;
  dropletId: number;
}

const TOKEN = 'e2e-snapshots-token';

const test = base.extend<object, { snapWorld: SnapshotWorld }>({
  snapWorld: [
    async ({ browser }, use) => {
      const sim = await startDigitalOceanSim({
        accounts: [{ token: TOKEN, droplets: 2, namePrefix: 'snap' }],
        bootDelayMs: 0,
        actionDelayMs: 300,
      });
      const dropletId = [...sim.account(TOKEN).droplets.keys()][0]!;
      sim.account(TOKEN).mutateDroplet(dropletId, { status: 'off', sizeSlug: 's-1vcpu-1gb' });
      const stack = await startStack({
        adminEmail: 'e2e-snapshots@example.com',
        env: { OVERCAST_POLL_MACHINES_SECONDS: '5' },
      });
      const admin = await browser.newContext({ baseURL: stack.baseURL });
      await logIn(await admin.newPage(), stack.admin);
      const cloud = await admin.request.post('/api/v1/clouds', {
        data: { provider: 'digitalocean', title: 'DO', credentials: { token: TOKEN }, endpoint: sim.url },
      });
      expect(cloud.status()).toBe(201);
      let machineId = '';
      await expect(async () => {
        const page = await (await admin.request.get('/api/v1/machines?q=snap-000000')).json();
        machineId = page.items?.[0]?.id ?? '';
        expect(machineId).not.toBe('');
      }).toPass({ timeout: 60_000 });
      await admin.close();
      await use({ stack, sim, machineId, dropletId });
      await stack.stop();
      await sim.close();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ snapWorld }, use) => use(snapWorld.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page, snapWorld }) => {
  await logIn(page, snapWorld.stack.admin);
});

test('a snapshot is taken and listed; the droplet is resized and shows its new size and price', async ({
  page,
  snapWorld,
}) => {
  test.setTimeout(120_000);
  const { sim, machineId, dropletId } = snapWorld;
  await page.goto(`/machines/${machineId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'snap-000000' })).toBeVisible();

  const snapshots = page.getByRole('list', { name: 'Snapshots' });
  await page.getByLabel('Snapshot name').fill('before-resize');
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(page.getByText('Taking snapshot before-resize')).toBeVisible();
  const item = snapshots.locator('[data-snapshot="before-resize"]');
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(item.getByRole('button', { name: 'Actions for snapshot before-resize' })).toBeVisible({
    timeout: 30_000,
  });
  expect(sim.account(TOKEN).privateImages.map((i) => i.name)).toEqual(['before-resize']);

  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Resize…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resize snap-000000' });
  await expect(dialog).toContainText('Now s-1vcpu-1gb at $6.00/mo');
  const bigger = page.getByRole('radio', { name: /^s-2vcpu-4gb\b/ });
  const label = dialog.locator('label', { has: bigger });
  await expect(label).toContainText('$24.00/mo');
  await expect(label).toContainText('+$18.00/mo');
  // The current size is not offered; a cheaper one shows what it saves.
  await expect(dialog.getByRole('radio', { name: /^s-1vcpu-1gb\b/ })).toHaveCount(0);
  await expect(
    dialog.locator('label', { has: page.getByRole('radio', { name: /^s-1vcpu-512mb-10gb\b/ }) }),
  ).toContainText('−$2.00/mo');
  await bigger.check();
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(page.getByText('Resized snap-000000 to s-2vcpu-4gb')).toBeVisible({ timeout: 30_000 });
  expect(sim.account(TOKEN).droplets.get(dropletId)!.sizeSlug).toBe('s-2vcpu-4gb');

  const overview = page.locator('dl').first();
  await expect(overview).toContainText('s-2vcpu-4gb');
  await expect(overview).toContainText('$24.00', { timeout: 30_000 });
  await expect(page.getByText('Resized from s-1vcpu-1gb to s-2vcpu-4gb').first()).toBeVisible();
});

test('the machine page with its snapshots fits a phone screen in dark mode', async ({ page, snapWorld }) => {
  test.setTimeout(90_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/machines/${snapWorld.machineId}`);
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 30_000 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Resize…' }).click();
  await expect(
    page.getByRole('dialog', { name: 'Resize snap-000000' }).getByRole('radio').first(),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/snapshots-390-dark.png', fullPage: true });
});

test('a stopped libvirt domain is cloned from its page, and the copy opens', async ({ page }) => {
  test.setTimeout(120_000);
  const uri = `test://${resolve(import.meta.dirname, '../packages/providers/src/libvirt/fixtures/node.xml')}`;
  const cloud = await page.request.post('/api/v1/clouds', {
    data: { provider: 'libvirt', title: 'Lab', credentials: {}, config: { uri } },
  });
  expect(cloud.status()).toBe(201);
  let machineId = '';
  await expect(async () => {
    const found = await (await page.request.get('/api/v1/machines?q=db-1')).json();
    machineId = found.items?.[0]?.id ?? '';
    expect(machineId).not.toBe('');
  }).toPass({ timeout: 60_000 });

  await page.goto(`/machines/${machineId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'db-1' })).toBeVisible();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Clone…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clone db-1' });
  await dialog.getByLabel('Name of the copy').fill('db-2');
  await dialog.getByRole('button', { name: 'Clone' }).click();
  await expect(page.getByText('Cloned db-1 as db-2')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'db-2' })).toBeVisible();
  await expect(page.locator('dl').first()).toContainText('4 vCPU / 4096 MiB');
});

test('only a provider that clones offers Clone', async ({ page, snapWorld }) => {
  await page.goto(`/machines/${snapWorld.machineId}`);
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await expect(page.getByRole('menuitem', { name: 'Resize…' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Clone…' })).toHaveCount(0);
});
