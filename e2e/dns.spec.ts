import { addAws } from './support/clouds';
import { logIn } from './support/login';
import { expect, isolatedTest } from './support/world';

const test = isolatedTest();

// DNS in the browser: the Route 53 zone of the EC2 emulator's account (one endpoint serves
// both), a record added through the dialog, seen in the list and in the emulator.
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page, world }) => {
  await logIn(page, world.stack.admin);
});

test('an A record added in the zone page is listed and reaches Route 53', async ({ page, world }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await addAws(page, world.ec2.url, world.ec2Keys);

  await page.goto('/');
  await page.getByRole('link', { name: 'DNS' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'DNS' })).toBeVisible();
  await page.getByRole('link', { name: 'example.org' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'example.org' })).toBeVisible();
  await expect(page.locator('[data-record="CNAME www"]')).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Add record' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a record to example.org' });
  // A CNAME at the apex is refused beside the name, before anything is sent.
  await dialog.getByLabel('Type').selectOption('CNAME');
  await dialog.getByLabel('Name').fill('@');
  await dialog.getByLabel('Target host').fill('elsewhere.example.net');
  await dialog.getByRole('button', { name: 'Add record' }).click();
  await expect(dialog.getByText(/cannot sit at the zone apex/)).toBeVisible();

  await dialog.getByLabel('Type').selectOption('A');
  await dialog.getByLabel('Name').fill('shop');
  await dialog.getByLabel('IPv4 address').fill('198.51.100.44');
  await dialog.getByLabel('TTL (seconds)').fill('300');
  await dialog.getByRole('button', { name: 'Add record' }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator('[data-record="A shop"]');
  await expect(row).toContainText('198.51.100.44');

  const zone = [...world.ec2.route53.zones.values()].find((z) => z.name === 'example.org.')!;
  expect(zone.sets.get('shop.example.org. A')).toMatchObject({ ttl: 300, values: ['198.51.100.44'] });
});

test('the DNS pages fit a phone screen in dark mode', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const go of [() => page.goto('/dns'), () => page.getByRole('link', { name: 'example.org' }).click()]) {
    await go();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  }
  await expect(page.locator('[data-record="A shop"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/dns-390-dark.png', fullPage: true });
});

test('a zone made in the DNS page takes a record and is deleted by typing its name', async ({
  page,
  world,
}) => {
  test.setTimeout(90_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/dns');
  await page.getByRole('button', { name: 'New zone' }).click();
  const create = page.getByRole('dialog', { name: 'New DNS zone' });
  await create.getByLabel('Cloud').selectOption({ label: 'AWS' });
  // A domain that is not one is refused beside the field, before anything is sent.
  await create.getByLabel('Domain').fill('launch..example');
  await create.getByRole('button', { name: 'Create zone' }).click();
  await expect(create.getByText(/letters, digits or hyphens/)).toBeVisible();
  await page.screenshot({ path: 'test-results/dns-zone-new-390-dark.png' });
  await create.getByLabel('Domain').fill('Launch.Example.');
  await create.getByRole('button', { name: 'Create zone' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'launch.example' })).toBeVisible();
  const zone = () => [...world.ec2.route53.zones.values()].find((z) => z.name === 'launch.example.');
  expect(zone()).toBeDefined();

  await page.getByRole('button', { name: 'Add record' }).click();
  const add = page.getByRole('dialog', { name: 'Add a record to launch.example' });
  await add.getByLabel('Name').fill('www');
  await add.getByLabel('IPv4 address').fill('198.51.100.7');
  await add.getByRole('button', { name: 'Add record' }).click();
  await expect(page.locator('[data-record="A www"]')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole('button', { name: 'Delete zone' }).click();
  const remove = page.getByRole('dialog', { name: 'Delete launch.example?' });
  await expect(remove.getByText(/Its 1 record will be deleted first/)).toBeVisible();
  const confirm = remove.getByRole('button', { name: 'Delete zone' });
  await expect(confirm).toBeDisabled();
  await remove.getByLabel(/to confirm/).fill('launch.example');
  await page.screenshot({ path: 'test-results/dns-zone-delete-390-dark.png' });
  await confirm.click();
  await expect(page.getByRole('heading', { level: 1, name: 'DNS' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'launch.example' })).toBeHidden();
  expect(zone()).toBeUndefined();
});
