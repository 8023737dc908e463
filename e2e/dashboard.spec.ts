import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { DO_DROPLETS, expect, isolatedTest } from './support/world';

const test = isolatedTest();

// One story, in order, on a stack of its own: clouds are added, their machines listed,
// filtered, changed live, created, given a volume, and a cloud is deleted.
test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

const rows = (page: Page) => page.locator('tbody tr[data-machine-id]');
const row = (page: Page, name: string) =>
  rows(page).filter({ has: page.getByRole('link', { name, exact: true }) });
const stateOf = (r: Locator) => r.locator('td[data-state]');

test.beforeEach(async ({ page, world }) => {
  await logIn(page, world.stack.admin);
});

test('clouds are added per provider; wrong keys show the provider’s own words', async ({ page, world }) => {
  test.setTimeout(90_000);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clouds' }).click();
  await expect(page.getByText('No clouds yet')).toBeVisible();
  await page.getByRole('button', { name: 'Add cloud' }).click();

  const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
  await dialog.getByRole('radio', { name: 'DigitalOcean' }).check();
  await expect(dialog.getByText('API → Tokens')).toBeVisible();
  await dialog.getByLabel('Name', { exact: true }).fill('DigitalOcean');
  await dialog.getByLabel('Personal access token').fill('not-the-right-token');
  await dialog.getByText('Advanced').click();
  await dialog.getByLabel('API endpoint').fill(world.digitalOcean.url);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Unable to authenticate you');
  await expect(dialog.getByRole('alert')).toContainText("DigitalOcean didn't accept these credentials");

  await dialog.getByLabel('Personal access token').fill(world.doToken);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  const connected = page.getByRole('dialog', { name: 'DigitalOcean is connected' });
  await expect(connected.getByText(`Found ${DO_DROPLETS} machines`)).toBeVisible({ timeout: 30_000 });
  await connected.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('button', { name: 'Add cloud' }).click();
  await dialog.getByRole('radio', { name: 'Amazon EC2' }).check();
  await expect(dialog.getByText('Create access key')).toBeVisible();
  await dialog.getByLabel('Name', { exact: true }).fill('AWS');
  await dialog.getByLabel('Access key ID').fill('AKIDNOTVALID');
  await dialog.getByLabel('Secret access key').fill('wrong-secret');
  await dialog.getByLabel('Regions').fill('us-east-1, eu-west-1');
  await dialog.getByText('Advanced').click();
  await dialog.getByLabel('API endpoint').fill(world.ec2.url);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await expect(dialog.getByRole('alert')).toContainText(
    'AWS was not able to validate the provided access credentials',
  );

  await dialog.getByLabel('Access key ID').fill(world.ec2Keys.accessKeyId);
  await dialog.getByLabel('Secret access key').fill(world.ec2Keys.secretAccessKey);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  const awsConnected = page.getByRole('dialog', { name: 'AWS is connected' });
  await expect(awsConnected.getByText(/^Found \d+ machines/)).toBeVisible({ timeout: 30_000 });
  await awsConnected.getByRole('button', { name: 'Done' }).click();

  // Each cloud shows its status, last sync and machine count.
  const doRow = page.locator('tbody', { has: page.getByRole('link', { name: 'DigitalOcean', exact: true }) });
  await expect(doRow.getByText('Healthy')).toBeVisible();
  await expect(doRow.getByRole('link', { name: String(DO_DROPLETS) })).toBeVisible();
  await expect(doRow.locator('time')).toHaveAttribute('title', /\d/);
});

test('machines from both clouds in one table: search, filters and sort live in the URL', async ({ page }) => {
  await page.goto('/machines');
  await expect(rows(page).first()).toBeVisible();
  await expect(row(page, 'droplet-000000')).toBeVisible();
  await expect(rows(page).filter({ hasText: 'AWS' }).first()).toBeVisible();
  const all = await rows(page).count();
  expect(all).toBeGreaterThan(DO_DROPLETS);

  await page.getByRole('searchbox', { name: 'Search machines' }).fill('droplet-00000');
  await expect(page).toHaveURL(/q=droplet-00000/);
  await expect(rows(page)).toHaveCount(10);
  await expect(page.getByText('10 machines match the filters')).toBeVisible();

  // The export holds what the filters select, every page of it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toMatch(/^Name,Cloud,Provider,State,/);
  expect(lines).toHaveLength(11);
  expect(lines.slice(1).every((line) => line.startsWith('droplet-00000'))).toBe(true);

  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Amazon EC2' });
  await expect(page).toHaveURL(/provider=aws/);
  // The list is filtered by the server: wait for the filtered page, not the one before it.
  await expect(rows(page)).toHaveCount(all - DO_DROPLETS);
  for (const text of await rows(page).locator('td:nth-child(3)').allTextContents())
    expect(text).toContain('AWS');

  await page.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Any provider' });
  await page.getByRole('combobox', { name: 'State' }).selectOption({ label: 'Stopped' });
  await expect(page).toHaveURL(/state=stopped/);
  await expect(row(page, 'droplet-000009')).toBeVisible();
  // droplet-000009 was listed before the filter too: wait for the filtered page, where every row is stopped.
  await expect(rows(page).locator('td[data-state]').filter({ hasNotText: 'Stopped' })).toHaveCount(0);

  // Sorting by cost, most expensive first, and the filters survive a reload.
  await page.getByRole('combobox', { name: 'State' }).selectOption({ label: 'Any state' });
  await page.getByRole('button', { name: 'Cost/mo' }).click();
  await page.getByRole('button', { name: 'Cost/mo' }).click();
  await expect(page).toHaveURL(/sort=-cost/);
  await page.reload();
  await expect(page.getByRole('columnheader', { name: /Cost\/mo/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
});

test('stopping a machine changes its row live, without a reload', async ({ page, world }) => {
  test.setTimeout(60_000);
  await page.goto('/machines');
  const target = row(page, 'droplet-000002');
  await expect(stateOf(target)).toHaveText('Running');
  // Anything that reloads the page would lose this.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  await page.getByRole('searchbox', { name: 'Search machines' }).fill('droplet');
  await expect(rows(page)).toHaveCount(DO_DROPLETS);

  await target.getByRole('checkbox', { name: 'Select droplet-000002' }).check();
  const bulk = page.getByRole('toolbar', { name: 'Actions on selected machines' });
  await expect(bulk).toContainText('1 machine selected');
  await bulk.getByRole('button', { name: 'Stop' }).click();
  const confirm = page.getByRole('dialog', { name: 'Stop droplet-000002?' });
  await confirm.getByRole('button', { name: 'Stop machine' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Stop sent to droplet-000002' })).toBeVisible();
  await expect(stateOf(target)).toHaveText('Stopped', { timeout: 30_000 });

  // A change made at the provider (not through Overcast) arrives the same way.
  const account = world.digitalOcean.account(world.doToken);
  const other = account.listDroplets().find((d) => d.name === 'droplet-000004')!;
  account.mutateDroplet(other.id, { status: 'off' });
  await expect(stateOf(row(page, 'droplet-000004'))).toHaveText('Stopped', { timeout: 30_000 });

  // Same document, same filter, same selection.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
    true,
  );
  await expect(page.getByRole('searchbox', { name: 'Search machines' })).toHaveValue('droplet');
  await expect(target.getByRole('checkbox', { name: 'Select droplet-000002' })).toBeChecked();
});

test('a machine is created through the wizard and followed until it runs', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/machines');
  await page.getByRole('link', { name: 'Create machine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create a machine' })).toBeVisible();
  await page.getByLabel('Cloud').selectOption({ label: 'DigitalOcean (DigitalOcean)' });
  await page.getByLabel('Location').selectOption({ label: 'New York 1 (nyc1)' });
  await page.getByRole('radio', { name: /^s-1vcpu-1gb\b/ }).check();
  await expect(page.getByRole('complementary', { name: 'Summary' })).toContainText('$6.00/mo');
  await page.getByRole('radio', { name: /ubuntu-24-04-x64/ }).check();

  // A name the provider would refuse is caught before asking it.
  await page.getByLabel('Name', { exact: true }).fill('not a valid name');
  await page.getByRole('button', { name: 'Create machine' }).click();
  await expect(page.getByText('Use letters, digits, dots, dashes and underscores')).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('e2e-web-1');
  await page.getByLabel('Tags').fill('team=web, env=e2e');
  await page.getByLabel('Post-deploy script').fill('#!/bin/sh\necho hello > /tmp/hello');
  await page.getByRole('button', { name: 'Create machine' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Creating e2e-web-1' })).toBeVisible();
  await expect(page.getByText('DigitalOcean accepted the request')).toBeVisible();
  await expect(page.getByText(/^Running at \d+\.\d+\.\d+\.\d+/)).toBeVisible({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Open e2e-web-1' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'e2e-web-1' })).toBeVisible();
  // DigitalOcean keeps tags as plain words (team:web); they read back as written.
  await expect(page.getByText('team=web')).toBeVisible();
});

test('a volume is created and attached to a machine', async ({ page }) => {
  test.setTimeout(90_000);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Volumes' }).click();
  await page.getByRole('button', { name: 'Create volume' }).first().click();
  const create = page.getByRole('dialog', { name: 'Create a volume' });
  await create.getByLabel('Cloud').selectOption({ label: 'DigitalOcean (DigitalOcean)' });
  await create.getByLabel('Name').fill('e2e-data');
  await create.getByLabel('Size').fill('20');
  await create.getByLabel('Location').selectOption({ label: 'New York 1 (nyc1)' });
  await create.getByRole('button', { name: 'Create volume' }).click();

  const volume = page.locator('tr[data-volume-id]', { hasText: 'e2e-data' });
  await expect(volume).toBeVisible({ timeout: 30_000 });
  await expect(volume).toContainText('Not attached');
  await volume.getByRole('button', { name: 'Attach' }).click();
  const attach = page.getByRole('dialog', { name: 'Attach e2e-data' });
  await attach.getByRole('searchbox', { name: 'Search machines' }).fill('e2e-web');
  await attach.getByRole('radio', { name: /e2e-web-1/ }).check();
  await attach.getByRole('button', { name: 'Attach' }).click();
  await expect(volume.getByRole('link', { name: 'e2e-web-1' })).toBeVisible({ timeout: 30_000 });
  await expect(volume).toContainText('In use');
});

test('screenshots of the overview, machines and a machine, light and dark', async ({ page }) => {
  test.setTimeout(60_000);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const suffix = scheme === 'dark' ? '-dark' : '';
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByText('Cost by cloud')).toBeVisible();
    await expect(page.locator('[data-skeleton]')).toHaveCount(0);
    await page.screenshot({ path: join(paths.artifacts, `overview${suffix}.png`), fullPage: true });

    await page.goto('/machines');
    await expect(rows(page).first()).toBeVisible();
    await page.screenshot({ path: join(paths.artifacts, `machines${suffix}.png`) });

    await row(page, 'e2e-web-1').getByRole('link', { name: 'e2e-web-1' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'e2e-web-1' })).toBeVisible();
    await expect(page.getByText('Fields from DigitalOcean')).toBeVisible();
    await page.screenshot({ path: join(paths.artifacts, `machine-detail${suffix}.png`), fullPage: true });
  }
});

test('a new endpoint for a cloud asks for its credentials again', async ({ page, world }) => {
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Actions for DigitalOcean' }).click();
  await page.getByRole('menuitem', { name: 'Edit credentials and settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit DigitalOcean' });
  await dialog.getByLabel('API endpoint').fill(`${world.digitalOcean.url}/v2`);
  await expect(dialog.getByText('A new endpoint needs the credentials entered again.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(/The address changed: enter the credentials again/)).toBeVisible();

  await dialog.getByLabel('Personal access token').fill(world.doToken);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('DigitalOcean updated')).toBeVisible();
  await expect(dialog).toHaveCount(0);
});

test('deleting a cloud needs its name typed, and takes its machines off the list', async ({ page }) => {
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Actions for AWS' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete AWS?' });
  const confirm = dialog.getByRole('button', { name: 'Delete cloud' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Type AWS to confirm').fill('aws');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Type AWS to confirm').fill('AWS');
  await confirm.click();
  await expect(page.getByRole('link', { name: 'AWS', exact: true })).toHaveCount(0);
  await expect(page.getByText('Deleted AWS')).toBeVisible();

  await page.goto('/machines');
  await expect(rows(page)).toHaveCount(DO_DROPLETS + 1);
  await expect(rows(page).filter({ hasText: 'AWS' })).toHaveCount(0);
});
