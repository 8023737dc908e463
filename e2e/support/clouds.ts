import { expect, type Page } from '@playwright/test';

/** Adds the EC2 emulator as the cloud "AWS" through the Add cloud dialog (every region it enables). */
export async function addAws(
  page: Page,
  endpoint: string,
  keys: { accessKeyId: string; secretAccessKey: string },
) {
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Add cloud' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
  await dialog.getByRole('radio', { name: 'Amazon EC2' }).check();
  await dialog.getByLabel('Name', { exact: true }).fill('AWS');
  await dialog.getByLabel('Access key ID').fill(keys.accessKeyId);
  await dialog.getByLabel('Secret access key').fill(keys.secretAccessKey);
  await dialog.getByText('Advanced').click();
  await dialog.getByLabel('API endpoint').fill(endpoint);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  const connected = page.getByRole('dialog', { name: 'AWS is connected' });
  await expect(connected.getByText(/^Found \d+ machines/)).toBeVisible({ timeout: 30_000 });
  await connected.getByRole('button', { name: 'Done' }).click();
}
