import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { logIn, submitLogin } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// A person renames themself and changes their password on a phone in dark mode; the session in
// their other browser ends, and only the new password logs in. A stack of its own: the admin's
// password changes here.

const test = base.extend<object, { accountStack: Stack }>({
  accountStack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const stack = await startStack({ adminEmail: 'e2e-account@example.com' });
      await use(stack);
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ accountStack }, use) => use(accountStack.baseURL),
});

test('on a phone in dark mode, one renames oneself and changes the password; other sessions end', async ({
  page,
  browser,
  accountStack,
}) => {
  const { admin, baseURL } = accountStack;
  // The desk browser, logged in first.
  const desk = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  const deskPage = await desk.newPage();
  await logIn(deskPage, admin);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await logIn(page, admin);
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Account & security' })).toBeVisible();

  const name = page.getByLabel('Your name');
  await name.fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByText('Name saved')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Your name')).toHaveValue('Ada Lovelace');

  const current = page.getByLabel('Current password');
  const fresh = page.getByLabel('New password', { exact: true });
  const again = page.getByLabel('New password again');
  const submit = page.getByRole('button', { name: 'Change password' });

  // A typo in the repeat is caught before anything is sent.
  await current.fill(admin.password);
  await fresh.fill('staple battery horse correct');
  await again.fill('staple battery horse correcT');
  await submit.click();
  await expect(page.getByText('The two new passwords differ')).toBeVisible();

  // A common password is refused, saying why.
  await fresh.fill('password12');
  await again.fill('password12');
  await submit.click();
  await expect(page.getByRole('alert')).toContainText('among the most common');

  // The wrong current password changes nothing.
  await current.fill('not-my-password');
  await fresh.fill('staple battery horse correct');
  await again.fill('staple battery horse correct');
  await submit.click();
  await expect(page.getByRole('alert')).toContainText('current password is not right');

  await current.fill(admin.password);
  await submit.click();
  await expect(page.getByText('Password changed')).toBeVisible();
  await expect(page.getByText('Your other session was logged out.')).toBeVisible();
  await expect(current).toHaveValue('');

  // The page's content fits 390 px: nothing to scroll sideways to reach a field or button.
  for (const card of ['Profile', 'Password']) {
    const box = await page
      .getByRole('heading', { name: card, exact: true })
      .locator('xpath=ancestor::section[1]')
      .boundingBox();
    expect(box, card).not.toBeNull();
    expect(box!.x + box!.width, card).toBeLessThanOrEqual(390);
  }
  expect(await page.locator('main').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(paths.artifacts, 'account-390-dark.png'), fullPage: true });

  // This browser stays in; the desk one is out.
  expect((await page.request.get('/api/v1/me')).status()).toBe(200);
  await deskPage.goto('/machines');
  await expect(deskPage).toHaveURL(/\/login/);
  await submitLogin(deskPage, admin);
  await expect(deskPage.getByRole('alert')).toHaveText('Wrong email or password.');
  await submitLogin(deskPage, { email: admin.email, password: 'staple battery horse correct' });
  await expect(deskPage.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await desk.close();
});
