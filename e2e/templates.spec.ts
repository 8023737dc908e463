import type { Page } from '@playwright/test';
import { startGitServer } from '../test/support/git-server';
import { logIn } from './support/login';
import { expect, test } from './support/world';

// An admin writes a template on a phone in dark mode: starts from the gallery, breaks a line and
// sees the problem named with its line (and marked in the gutter), goes to it, fixes it, saves
// version 1, changes it and saves version 2, and finds both versions listed. Neither page is ever
// wider than the phone: long lines scroll inside the editor.

test.use({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });

const expectFits = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

test('a template from the gallery, a problem found by its line, two versions saved', async ({
  page,
  world,
}) => {
  await logIn(page, world.stack.admin);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.goto('/templates/new');
  await page.getByLabel('Start from the gallery').selectOption('web-behind-load-balancer');
  const source = page.getByLabel('Template source');
  await expect(source).toHaveValue(/^description: Web servers behind a load balancer/);
  await page.getByLabel('Name').fill('web-tier');
  const original = await source.inputValue();
  const line = original.split('\n').indexOf('      count: 2') + 1;
  expect(line).toBeGreaterThan(1);

  await source.fill(original.replace('      count: 2', '      count: lots'));
  const problem = page.getByRole('list', { name: 'Problems' }).getByRole('button');
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText(`Line ${line} resources.machines.web.count`);
  await expect(page.getByTestId('template-gutter').locator(`[data-problem-line="${line}"]`)).toBeVisible();
  const save = page.getByRole('button', { name: 'Save' });
  await expect(save).toBeDisabled();
  await expect(page.getByRole('status').filter({ hasText: 'Fix the problem' })).toBeVisible();
  await expectFits(page);

  await problem.click();
  await expect(source).toBeFocused();
  const selected = await source.evaluate((el: HTMLTextAreaElement) =>
    el.value.slice(el.selectionStart, el.selectionEnd),
  );
  expect(selected).toBe('      count: lots');

  await source.fill(original);
  await expect(problem).toHaveCount(0);
  await expect(save).toBeEnabled();
  await save.click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'web-tier' })).toBeVisible();

  await source.fill(original.replace('      count: 2', '      count: 3'));
  await expect(save).toBeEnabled();
  await save.click();
  await expect(page.getByText('Saved web-tier, version 2')).toBeVisible();
  const versions = page.getByRole('list', { name: 'Versions' }).getByRole('button');
  await expect(versions).toHaveText([/^Version 2\s*current/, /^Version 1/]);
  await expectFits(page);

  // The older version reads as it was saved, and cannot be changed.
  await versions.nth(1).click();
  await expect(source).toHaveJSProperty('readOnly', true);
  await expect(source).toHaveValue(/count: 2/);
  await expectFits(page);

  await page.goto('/templates');
  const row = page.locator('tr', { has: page.getByRole('link', { name: 'web-tier' }) });
  await expect(row).toContainText('2');
  await expectFits(page);
});

// A template kept in a Git repository: imported at its branch, shown pinned to the commit, then
// updated from Git after a new commit, the old and new commit shown.
test('a template imported from Git, updated after a new commit', async ({ page, world }) => {
  const server = await startGitServer();
  try {
    const repo = server.repo('infra');
    const web = (size: string) =>
      `description: Web (${size})\nresources:\n  machines:\n    web:\n      cloud: lab\n      size: ${size}\n      image: debian-12\n      location: fra1\n`;
    const first = repo.commit({ 'stacks/web.yaml': web('small') });
    await logIn(page, world.stack.admin);
    await page.goto('/templates');
    await page.getByRole('button', { name: 'Import from Git' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Import from Git' });
    await dialog.getByLabel('Name').fill('web-from-git');
    await dialog.getByLabel('Repository URL').fill(repo.url);
    await dialog.getByLabel('Branch, tag or commit').fill('main');
    await dialog.getByLabel('File').fill('stacks/web.yaml');
    await expectFits(page);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'web-from-git' })).toBeVisible();
    const pin = page.locator('[data-git-source]');
    await expect(pin).toContainText('stacks/web.yaml');
    await expect(pin.locator(`[data-git-commit="${first}"]`)).toBeVisible();
    await expect(page.getByLabel('Template source')).toHaveJSProperty('readOnly', true);
    await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
    await expectFits(page);

    const second = repo.commit({ 'stacks/web.yaml': web('large') });
    await page.getByRole('button', { name: 'Update from Git' }).click();
    await expect(page.locator('[data-git-update]')).toHaveText(
      `New version 2: ${first.slice(0, 12)} → ${second.slice(0, 12)}`,
    );
    await expect(page.getByLabel('Template source')).toHaveValue(/size: large/);
    await expect(page.getByRole('list', { name: 'Versions' }).getByRole('button')).toHaveText([
      /^Version 2\s*current.*commit/,
      /^Version 1/,
    ]);
    await expectFits(page);
  } finally {
    await server.close();
  }
});
