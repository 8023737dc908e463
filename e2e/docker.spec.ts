import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerSim, startDockerSim } from '@overcast/cloud-sim';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// A Docker Engine emulator on a unix socket: the engine is added through the form, its
// containers listed, a change made on the engine shows in the dashboard row at once (from the
// event stream, not a poll), and a shell inside a container runs in the browser terminal.

interface DockerWorld {
  stack: Stack;
  sim: DockerSim;
  dir: string;
}

const test = base.extend<object, { dockerWorld: DockerWorld }>({
  dockerWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'overcast-e2e-docker-'));
      const sim = await startDockerSim({ socketPath: join(dir, 'docker.sock'), pullStepMs: 150 });
      sim.engine.addImage('alpine:3.20');
      const web = sim.engine.createContainer({
        name: 'shop-web',
        image: 'alpine:3.20',
        labels: { app: 'shop' },
      });
      sim.engine.start(web.id);
      sim.engine.createContainer({
        name: 'shop-batch',
        image: 'alpine:3.20',
        anonymousVolumes: ['/scratch'],
      });
      const stack = await startStack({ adminEmail: 'e2e-docker@example.com' });
      await use({ stack, sim, dir });
      await stack.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ dockerWorld }, use) => use(dockerWorld.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

const rows = (page: Page) => page.locator('tbody tr[data-machine-id]');
const row = (page: Page, name: string) =>
  rows(page).filter({ has: page.getByRole('link', { name, exact: true }) });
const stateOf = (r: Locator) => r.locator('td[data-state]');

test('a Docker engine is added, its containers change live, and a shell opens inside one', async ({
  page,
  dockerWorld,
}) => {
  test.setTimeout(90_000);
  const { stack, sim, dir } = dockerWorld;
  await logIn(page, stack.admin);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clouds' }).click();
  await page.getByRole('button', { name: 'Add cloud' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
  await dialog.getByRole('radio', { name: 'Docker' }).check();
  await dialog.getByLabel('Name', { exact: true }).fill('Shop engine');
  // A wrong socket path says so, in words that point at the fix.
  await dialog.getByLabel('Engine address (DOCKER_HOST)').fill(`unix://${join(dir, 'nope.sock')}`);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await expect(dialog.getByRole('alert')).toContainText('No Docker socket at');
  await dialog.getByLabel('Engine address (DOCKER_HOST)').fill(`unix://${sim.socketPath}`);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  const connected = page.getByRole('dialog', { name: 'Shop engine is connected' });
  await expect(connected).toBeVisible({ timeout: 20_000 });
  await connected.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('engine-facts')).toContainText(
    'Docker 27.3.1 · 4 CPUs · 8.0 GiB · 2 containers (1 running)',
  );

  // A container created from the form: the image is pulled with progress, then it runs.
  await page.getByRole('button', { name: 'New container on Shop engine' }).click();
  const create = page.getByRole('dialog', { name: 'New container on Shop engine' });
  await create.getByLabel('Image').fill('redis:7');
  await create.getByLabel('Name').fill('shop-cache');
  await create.getByLabel('Ports').fill('6379:6379');
  await create.getByLabel('Environment').fill('REDIS_ARGS=--appendonly yes');
  await create.getByLabel('Labels').fill('app=shop');
  await create.getByRole('button', { name: 'Create container' }).click();
  await expect(create.getByRole('status', { name: 'Image pull' })).toContainText('Downloading');
  await expect(page).toHaveURL(/\/machines\/[0-9a-f-]+$/, { timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'shop-cache' })).toBeVisible();
  expect(sim.engine.container('shop-cache')).toMatchObject({
    status: 'running',
    env: ['REDIS_ARGS=--appendonly yes'],
  });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click();
  const webRow = row(page, 'shop-web');
  await expect(stateOf(webRow)).toHaveText('Running', { timeout: 30_000 });
  await expect(stateOf(row(page, 'shop-batch'))).toHaveText('Stopped');

  // Stopped on the engine itself: the row follows from the event stream within a second.
  await expect.poll(() => sim.eventStreamCount(), { timeout: 15_000 }).toBe(1);
  const stoppedAt = Date.now();
  sim.engine.stop('shop-web');
  await expect(stateOf(webRow)).toHaveText('Stopped', { timeout: 5_000 });
  expect(Date.now() - stoppedAt).toBeLessThan(2_500);
  sim.engine.start('shop-web');
  await expect(stateOf(webRow)).toHaveText('Running', { timeout: 5_000 });

  // A shell inside the container, through exec.
  await webRow.getByRole('link', { name: 'shop-web', exact: true }).click();
  const card = page.getByRole('region', { name: 'Container' });
  await expect(card).toContainText('Shop engine');
  await card.getByRole('link', { name: 'Open terminal' }).click();
  const status = page.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected', { timeout: 20_000 });
  const screen = page.getByTestId('terminal');
  await expect(screen).toContainText('/ #');
  await screen.click();
  await page.keyboard.type('hostname');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText(sim.engine.container('shop-web').id.slice(0, 12));
  await page.keyboard.type('echo from-$HOSTNAME');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText(`from-${sim.engine.container('shop-web').id.slice(0, 12)}`);
  await mkdir(paths.artifacts, { recursive: true });
  await page.screenshot({ path: join(paths.artifacts, 'docker-terminal.png') });
  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  await expect(status).toContainText('Closed');

  // The session is recorded like an SSH one.
  await page.getByRole('link', { name: 'shop-web' }).click();
  const sessions = page.getByRole('list', { name: 'Terminal sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  // Removing a container can take its anonymous volumes along, when asked.
  const scratch = sim.engine.container('shop-batch').mounts[0]?.volume as string;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click();
  await row(page, 'shop-batch').getByRole('link', { name: 'shop-batch', exact: true }).click();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Destroy' }).click();
  const destroy = page.getByRole('dialog', { name: 'Destroy shop-batch?' });
  await destroy.getByLabel('to confirm').fill('shop-batch');
  await destroy.getByLabel('Also remove its anonymous volumes').check();
  await destroy.getByRole('button', { name: 'Destroy machine' }).click();
  await expect.poll(() => sim.engine.volumes.has(scratch)).toBe(false);
  expect(sim.engine.containers.size).toBe(2);
});
