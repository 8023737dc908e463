import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { test as base, expect } from '@playwright/test';
import pg from 'pg';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// Scripts, schedules and expiration through the UI: two machine rows point at a real sshd on
// loopback, a script is written in the editor and run on both with live output, a schedule is
// built with its next runs previewed, and a machine gets an expiration date.

interface World {
  stack: Stack;
  sshd: SshdHandle;
  key: KeyPair;
  machineIds: string[];
}

const test = base.extend<object, { world: World }>({
  world: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const key = await generateKeyPair({ type: 'ed25519', comment: 'overcast-e2e' });
      const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      const stack = await startStack({ adminEmail: 'e2e-automation@example.com' });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      const machineIds: string[] = [];
      try {
        const org = await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1');
        const organizationId = org.rows[0]?.id;
        const cloud = await db.query<{ id: string }>(
          `INSERT INTO clouds (organization_id, provider, title, credentials, enabled, poll_status)
           VALUES ($1, 'digitalocean', 'Lab hosts', '\\x00', false, 'ok') RETURNING id`,
          [organizationId],
        );
        for (const name of ['lab-a', 'lab-b']) {
          const m = await db.query<{ id: string }>(
            `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, raw_state, public_ips, ssh_user, ssh_port)
             VALUES ($1, $2, $3, $3, 'running', 'running', ARRAY['127.0.0.1'], $4, $5) RETURNING id`,
            [organizationId, cloud.rows[0]?.id, name, sshd.user, sshd.port],
          );
          machineIds.push(m.rows[0]!.id);
        }
      } finally {
        await db.end();
      }
      await use({ stack, sshd, key, machineIds });
      await stack.stop();
      await sshd.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ world }, use) => use(world.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

test('a script written in the editor runs on two machines with live output, and is versioned', async ({
  page,
  world,
}) => {
  test.setTimeout(90_000);
  await logIn(page, world.stack.admin);
  const key = await page.request.post('/api/v1/ssh-keys', {
    data: { name: 'lab key', privateKey: world.key.privateKey, isDefault: true },
  });
  expect(key.status()).toBe(201);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scripts' }).click();
  await expect(page.getByText('No scripts yet')).toBeVisible();
  await page.getByRole('button', { name: 'New script' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('hello');
  await page.getByTestId('script-editor').fill('#!/bin/sh\n# greet\necho "hi $WHO"\necho careful >&2\n');
  await page.getByRole('button', { name: 'Add parameter' }).click();
  await page.getByLabel('Variable').fill('WHO');
  await page.getByRole('button', { name: 'Create script' }).click();
  await expect(page.getByText('Saved hello')).toBeVisible();
  await expect(page.getByText('version 1')).toBeVisible();
  await mkdir(paths.artifacts, { recursive: true });
  await page.screenshot({ path: join(paths.artifacts, 'scripts.png') });

  await page.getByRole('button', { name: 'Run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run hello' });
  await dialog.getByLabel(/lab-a/).check();
  await dialog.getByLabel(/lab-b/).check();
  await dialog.getByLabel('WHO').fill("o'brien; rm -rf ~");
  await dialog.getByRole('button', { name: /Run on 2 machines/ }).click();
  const running = page.getByRole('dialog', { name: 'Running hello' });
  for (const name of ['lab-a', 'lab-b']) {
    const target = running.locator(`[data-target="${name}"]`);
    await expect(target).toContainText("hi o'brien; rm -rf ~", { timeout: 20_000 });
    await expect(target).toContainText('careful');
    await expect(target).toContainText('succeeded');
  }
  await page.screenshot({ path: join(paths.artifacts, 'script-run.png') });
  await running.getByRole('button', { name: 'Close' }).first().click();

  await page.getByTestId('script-editor').fill('#!/bin/sh\necho "bye $WHO"\n');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await expect(page.getByText('Saved hello as version 2')).toBeVisible();
  await expect(page.getByRole('button', { name: /succeeded v1 by/ })).toBeVisible();
});

test('a schedule is built with its next runs previewed; an invalid cron says why', async ({
  page,
  world,
}) => {
  await logIn(page, world.stack.admin);
  await page.goto('/schedules');
  await page.getByRole('button', { name: 'New schedule' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  await dialog.getByLabel('Name', { exact: true }).fill('evening stop');
  await dialog.getByLabel('Cron expression').fill('61 19 * * 1-5');
  await dialog.getByLabel('Time zone').fill('Europe/Berlin');
  await expect(dialog.getByRole('alert')).toContainText('61');
  await dialog.getByLabel('Cron expression').fill('0 19 * * 1-5');
  await expect(dialog.getByTestId('next-runs').getByRole('listitem')).toHaveCount(5);
  await page.screenshot({ path: join(paths.artifacts, 'schedule-builder.png') });
  await dialog.getByLabel('By tags').fill('env=dev');
  await dialog.getByRole('button', { name: 'Save schedule' }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator('tr[data-schedule="evening stop"]');
  await expect(row).toContainText('cron 0 19 * * 1-5 (Europe/Berlin)');
  await expect(row).toContainText('tagged env=dev');
  await page.screenshot({ path: join(paths.artifacts, 'schedules.png') });
});

test('a machine gets an expiration date, shown on it and in the list of what expires soon', async ({
  page,
  world,
}) => {
  await logIn(page, world.stack.admin);
  await page.goto(`/machines/${world.machineIds[0]}`);
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  const at = new Date(Date.now() + 2 * 86_400_000);
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel('Expires at').fill(local);
  await page.getByLabel('Then').selectOption('destroy');
  await page
    .locator('form', { has: page.getByLabel('Expires at') })
    .getByRole('button', { name: 'Save', exact: true })
    .click();
  await expect(page.getByTestId('expiration')).toContainText('Destroyed in 2 days');
  await page.goto('/schedules');
  await expect(page.getByText('Expires soon')).toBeVisible();
  await expect(page.getByRole('link', { name: 'lab-a' })).toBeVisible();
});
