import { expect, type Page } from '@playwright/test';
import { adminCredentials } from './env';
import type { Credentials } from './stack';

/** Fills and submits the login form on the current page. */
export async function submitLogin(page: Page, { email, password }: Credentials): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Logs in through the real page and waits for the app shell. */
export async function logIn(page: Page, credentials: Credentials = adminCredentials()): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, credentials);
  // The app shell: its header is there at every width (the navigation is a menu on phones).
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
  await expect(page.getByRole('banner')).toBeVisible();
}
