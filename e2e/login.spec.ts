import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { adminCredentials } from './support/env';
import { submitLogin } from './support/login';
import { paths } from './support/paths';

test('the admin logs in, moves around the app and logs out', async ({ page }) => {
  const admin = adminCredentials();

  // A signed-out visitor is sent to log in.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Log in to Overcast' })).toBeVisible();

  await submitLogin(page, admin);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const me = await (await page.request.get('/api/v1/me')).json();
  await expect(page.getByRole('banner')).toContainText(me.organization.name);
  await expect(page.getByRole('button', { name: admin.email })).toBeVisible();

  await nav.getByRole('link', { name: 'Clouds' }).click();
  await expect(page).toHaveURL(/\/clouds$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Clouds' })).toBeVisible();
  await expect(page.getByText('No clouds yet')).toBeVisible();
  await expect(page).toHaveTitle('Clouds · Overcast');
  await expect(nav.getByRole('link', { name: 'Clouds' })).toHaveAttribute('aria-current', 'page');

  await nav.getByRole('link', { name: 'Machines' }).click();
  await expect(page).toHaveURL(/\/machines$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Machines' })).toBeVisible();
  await expect(page.getByText('No machines yet')).toBeVisible();

  // A reload keeps the session and the page (the server falls back to the app for client routes).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Machines' })).toBeVisible();

  await page.screenshot({ path: join(paths.artifacts, 'shell.png'), fullPage: true });

  await page.getByRole('button', { name: admin.email }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Log in to Overcast' })).toBeVisible();

  // The session is really gone, not just hidden.
  expect((await page.request.get('/api/v1/me')).status()).toBe(401);
  await page.goto('/machines');
  await expect(page).toHaveURL(/\/login\?next=%2Fmachines$/);
});

test('a wrong password shows an error and stays on the login page', async ({ page }) => {
  const admin = adminCredentials();
  await page.goto('/login');
  await submitLogin(page, { email: admin.email, password: `${admin.password}-wrong` });

  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Password')).toBeFocused();
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
});

test('after logging in, a deep link lands on the page that was asked for', async ({ page }) => {
  await page.goto('/schedules');
  await expect(page).toHaveURL(/\/login\?next=%2Fschedules$/);
  await submitLogin(page, adminCredentials());
  await expect(page).toHaveURL(/\/schedules$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Schedules' })).toBeVisible();

  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});
