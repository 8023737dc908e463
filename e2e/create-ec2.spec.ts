import { addAws } from './support/clouds';
import { logIn } from './support/login';
import { expect, test } from './support/world';

// The EC2 create wizard on an account with four regions: what it offers depends on the zone
// chosen, and a machine created in eu-west-1a boots there.
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page, world }) => {
  await logIn(page, world.stack.admin);
});

test('an EC2 machine is created in eu-west-1a from the images and priced sizes of that region', async ({
  page,
  world,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await addAws(page, world.ec2.url, world.ec2Keys);
  await page.goto('/machines/new');
  await page.getByLabel('Cloud').selectOption({ label: 'AWS (Amazon EC2)' });
  await page.getByLabel('Location').selectOption({ label: 'eu-west-1a' }, { timeout: 30_000 });

  // Sizes carry eu-west-1's list price and their architecture.
  const size = page.getByRole('radio', { name: /^t3\.micro\b/ });
  await expect(size).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('label', { has: size })).toContainText('$8.32');
  await expect(page.locator('label', { has: size })).toContainText('x86_64');
  await size.check();
  await expect(page.getByRole('complementary', { name: 'Summary' })).toContainText('$8.32/mo');

  // One copy of each image of eu-west-1, by a readable name, with its architecture; arm64
  // images do not run on t3.micro and are not offered.
  const imageGroup = page.getByRole('radiogroup', { name: 'Image' });
  const images = imageGroup.getByRole('radio');
  const ubuntu = imageGroup.getByRole('radio', { name: /Canonical, Ubuntu, 24\.04, amd64 noble image/ });
  await expect(ubuntu).toHaveCount(1);
  await expect(imageGroup.getByRole('radio', { name: /arm64/ })).toHaveCount(0);
  const region = world.ec2.state.regions.get('eu-west-1')!;
  // Before, every region's copy was offered (four of each name); now each once.
  const offered = await imageGroup.locator('label').allTextContents();
  expect(offered.length).toBeGreaterThan(3);
  expect(new Set(offered).size).toBe(offered.length);
  await expect(images).toHaveCount(offered.length);
  await expect(imageGroup.locator('label').filter({ hasText: 'amd64 noble image' })).toContainText('x86_64');
  await ubuntu.check();

  await page.getByLabel('Name', { exact: true }).fill('dublin-web-1');
  await page.getByRole('button', { name: 'Create machine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Creating dublin-web-1' })).toBeVisible();
  await expect(page.getByText(/^Running at \d+\.\d+\.\d+\.\d+/)).toBeVisible({ timeout: 30_000 });

  const created = [...world.ec2.state.instances.values()].find((i) => i.tags.get('Name') === 'dublin-web-1')!;
  expect(created.zone).toBe('eu-west-1a');
  expect(region.imagesById.has(created.imageId)).toBe(true);
  await page.getByRole('link', { name: 'Open dublin-web-1' }).click();
  await expect(page.getByText('$8.32')).toBeVisible();
});

test('the wizard fits a phone screen in dark mode', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/machines/new');
  await page.getByLabel('Cloud').selectOption({ label: 'AWS (Amazon EC2)' });
  await page.getByLabel('Location').selectOption({ label: 'eu-west-1b' });
  await page.getByRole('radio', { name: /^t4g\.micro\b/ }).check();
  await expect(page.getByRole('radio', { name: /Canonical, Ubuntu, 24\.04, arm64/ })).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'test-results/create-ec2-390-dark.png', fullPage: true });
});

// The other specs share this organization and expect to add their own clouds to an empty one.
test.afterAll(async ({ browser, world }) => {
  const page = await browser.newPage();
  await logIn(page, world.stack.admin);
  const clouds: { items?: { id: string; title: string }[] } | { id: string; title: string }[] = await (
    await page.request.get('/api/v1/clouds')
  ).json();
  const list = Array.isArray(clouds) ? clouds : (clouds.items ?? []);
  for (const cloud of list.filter((c) => c.title === 'AWS'))
    expect((await page.request.delete(`/api/v1/clouds/${cloud.id}?confirm=AWS`)).status()).toBe(204);
  await page.close();
});
