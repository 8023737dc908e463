import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { test as base, expect, type Page } from '@playwright/test';
import { logIn } from './support/login';
import { type Stack, startStack } from './support/stack';
import { memberOfBudgetedTeam } from './support/team';

// An admin gives team Web a $30 monthly budget. A member of Web creates a $24 droplet from the
// wizard, which shows what remains as the size is chosen; a second one is refused before
// anything is created, with the budget, the use and what would fit. Once the budget asks for
// approval, the wizard sends the next one to an admin instead.

interface BudgetWorld {
  stack: Stack;
  sim: DigitalOceanSim;
  member: { email: string; password: string };
}

const TOKEN = 'e2e-budget-token';

const test = base.extend<object, { budgetWorld: BudgetWorld }>({
  budgetWorld: [
    async ({ browser }, use) => {
      const sim = await startDigitalOceanSim({
        accounts: [{ token: TOKEN, droplets: 0 }],
        bootDelayMs: 0,
        actionDelayMs: 0,
      });
      const stack = await startStack({ adminEmail: 'e2e-budget@example.com' });
      const admin = await browser.newContext({ baseURL: stack.baseURL });
      const adminPage = await admin.newPage();
      await logIn(adminPage, stack.admin);
      const api = admin.request;
      const cloud = await api.post('/api/v1/clouds', {
        data: { provider: 'digitalocean', title: 'DO', credentials: { token: TOKEN }, endpoint: sim.url },
      });
      expect(cloud.status()).toBe(201);
      const member = { email: 'web-member@example.com', password: 'a long member password 1' };
      await memberOfBudgetedTeam(api, browser, stack.baseURL, member, '30');
      await admin.close();
      await use({ stack, sim, member });
      await stack.stop();
      await sim.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ budgetWorld }, use) => use(budgetWorld.stack.baseURL),
});

async function chooseDroplet(page: Page, name: string) {
  await page.goto('/machines/new');
  await page.getByLabel('Cloud').selectOption({ label: 'DO (DigitalOcean)' });
  await page.getByLabel('Location').selectOption({ value: 'fra1' }, { timeout: 30_000 });
  const size = page.getByRole('radio', { name: /^s-2vcpu-4gb\b/ });
  await expect(size).toBeVisible({ timeout: 30_000 });
  await size.check();
  await page
    .getByRole('radio', { name: /Debian/ })
    .first()
    .check();
  await page.getByLabel('Name', { exact: true }).fill(name);
}

test('a member creates within the team budget, then is refused over it with the limit, the use and what fits', async ({
  page,
  budgetWorld,
}) => {
  test.setTimeout(120_000);
  await logIn(page, budgetWorld.member);
  const summary = page.getByRole('complementary', { name: 'Summary' });

  await chooseDroplet(page, 'web-1');
  await expect(summary).toContainText('$24.00/mo');
  await expect(summary).toContainText('Team Web: $6.00 of $30.00 a month would remain');
  await page.getByRole('button', { name: 'Create machine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Creating web-1' })).toBeVisible();

  await chooseDroplet(page, 'web-2');
  await expect(summary).toContainText('Team Web: $18.00 over its $30.00 monthly budget');
  await page.getByRole('button', { name: 'Create machine' }).click();
  await expect(summary.getByRole('alert')).toContainText(
    "Team Web's budget is $30.00 a month; its machines cost $24.00 and this one would add $24.00: choose a size of at most $6.00 a month, or ask an admin to raise the limit.",
  );
  expect([...budgetWorld.sim.account(TOKEN).droplets.values()].map((d) => d.name)).toEqual(['web-1']);

  // The team page shows the team's use against its budget.
  await page.goto('/team');
  const web = page.locator('tr[data-scope="Web"]');
  await expect(web).toContainText('$24.00 of $30.00');
});

test('over a budget that asks for approval, the wizard sends the machine to an admin, who approves it', async ({
  browser,
  page,
  budgetWorld,
}) => {
  test.setTimeout(120_000);
  const admin = await browser.newContext({ baseURL: budgetWorld.stack.baseURL });
  const adminPage = await admin.newPage();
  await logIn(adminPage, budgetWorld.stack.admin);
  const teams = (await (await admin.request.get('/api/v1/teams')).json()).items as {
    id: string;
    name: string;
  }[];
  const team = teams.find((t) => t.name === 'Web')!;
  const limits = await admin.request.put(`/api/v1/limits/teams/${team.id}`, {
    data: { monthlyBudget: '30', overBudget: 'approval' },
  });
  expect(limits.status()).toBe(200);

  await logIn(page, budgetWorld.member);
  const summary = page.getByRole('complementary', { name: 'Summary' });
  await chooseDroplet(page, 'web-3');
  await expect(summary).toContainText('made only once an admin approves it');
  await page.getByRole('button', { name: 'Ask an admin to approve' }).click();
  await expect(page).toHaveURL(/\/deploy-requests$/);
  const row = page.locator('tr', { hasText: 'machine web-3' });
  await expect(row).toContainText('s-2vcpu-4gb in DO');
  await expect(row).toContainText('Waiting for an admin');
  expect([...budgetWorld.sim.account(TOKEN).droplets.values()].map((d) => d.name)).not.toContain('web-3');

  // The admin approves it from the same page; the member's row then links to the machine.
  await adminPage.goto('/deploy-requests');
  const adminRow = adminPage.locator('tr', { hasText: 'machine web-3' });
  await adminRow.getByRole('button', { name: 'Decide on web-3' }).click();
  await adminPage.getByRole('menuitem', { name: 'Approve' }).click();
  await expect(adminRow.getByRole('link', { name: 'web-3' })).toBeVisible({ timeout: 30_000 });
  await page.reload();
  await expect(row.getByRole('link', { name: 'web-3' })).toBeVisible();
  expect([...budgetWorld.sim.account(TOKEN).droplets.values()].map((d) => d.name)).toContain('web-3');
  await admin.close();
});

test('the wizard and the limits fit a phone screen in dark mode', async ({ page, budgetWorld }) => {
  await logIn(page, budgetWorld.member);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await chooseDroplet(page, 'web-3');
  await expect(page.getByRole('complementary', { name: 'Summary' })).toContainText(
    'over its $30.00 monthly budget',
  );
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.goto('/team');
  await expect(page.locator('tr[data-scope="Web"]')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
