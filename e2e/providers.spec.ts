import { test as base, expect, type Page } from '@playwright/test';
import { logIn } from './support/login';
import { EMULATED_PROVIDERS, type RunningProvider } from './support/providers';
import { type Stack, startStack } from './support/stack';

// Every provider with an HTTP emulator, added through the form its module describes: wrong
// credentials first (the provider's refusal in its own words, nothing saved), then the right
// ones, and its machines listed. One stack, one browser context, a few machines each. Starting
// every emulator (three make certificates with openssl) and the stack takes minutes on a busy CI host.

interface ProvidersWorld {
  stack: Stack;
  running: RunningProvider[];
}

const test = base.extend<object, { providersWorld: ProvidersWorld }>({
  providersWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const running = await Promise.all(EMULATED_PROVIDERS.map((p) => p.start()));
      const stack = await startStack({ adminEmail: 'e2e-providers@example.com' });
      await use({ stack, running });
      await stack.stop();
      await Promise.all(running.map((r) => r.close()));
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  baseURL: async ({ providersWorld }, use) => use(providersWorld.stack.baseURL),
});

test.use({ viewport: { width: 1440, height: 900 } });

async function fill(page: Page, values: Record<string, string>) {
  const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
  for (const [name, value] of Object.entries(values)) {
    const field = dialog.locator(`[name="${name}"]`);
    // Sign-in hosts, CAs and the like sit behind the provider's "More … options" fold, as a user finds them.
    if (!(await field.isVisible())) await dialog.locator('summary', { hasText: /^More .* options$/ }).click();
    await field.fill(value);
  }
}

const cloudTitles = async (page: Page) =>
  ((await (await page.request.get('/api/v1/clouds')).json()).items as { title: string }[]).map(
    (c) => c.title,
  );

test('each provider is added through its form: refused in its own words first, then its machines listed', async ({
  page,
  providersWorld,
}) => {
  test.setTimeout(60_000 * EMULATED_PROVIDERS.length);
  await logIn(page, providersWorld.stack.admin);
  for (const [i, provider] of EMULATED_PROVIDERS.entries()) {
    const running = providersWorld.running[i] as RunningProvider;
    await test.step(provider.label, async () => {
      await page.goto('/clouds');
      await page.getByRole('button', { name: 'Add cloud' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
      await dialog.getByRole('radio', { name: provider.label, exact: true }).check();
      await dialog.getByLabel('Name', { exact: true }).fill(provider.label);
      if (running.endpoint) {
        await dialog.getByText('Advanced', { exact: true }).click();
        await dialog.getByLabel('API endpoint').fill(running.endpoint);
      }

      await fill(page, running.wrong);
      await dialog.getByRole('button', { name: 'Add cloud' }).click();
      await expect(dialog.getByRole('alert')).toContainText(provider.refusal, { timeout: 30_000 });
      expect(await cloudTitles(page)).not.toContain(provider.label);

      await fill(page, running.right);
      await dialog.getByRole('button', { name: 'Add cloud' }).click();
      const connected = page.getByRole('dialog', { name: `${provider.label} is connected` });
      await expect(connected.getByText(`Found ${provider.machines} machines`)).toBeVisible({
        timeout: 45_000,
      });
      await connected.getByRole('link', { name: 'View its machines' }).click();
      await expect(page.locator('tbody tr[data-machine-id]')).toHaveCount(provider.machines);
    });
  }
});
