// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { test as base, expect } from '@playwright/test';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { logIn } from './support/login';
import { type Stack, startStack } from './support/stack';
import { memberOfBudgetedTeam } from './support/team';

// An admin publishes a template to team Web (budget $20 a month). A member of Web deploys it
// from the catalog, seeing the cost and what remains before deploying, and follows the stack
// until it is complete (its machine answers over SSH at the address the emulator gave it, and
// its step runs there). A second deploy, of the larger size, is refused over the budget with
// the limit, the use and what would fit, and nothing more is made.

interface CatalogWorld {
  stack: Stack;
  sim: DigitalOceanSim;
  member: { email: string; password: string };
  publicKey: string;
  sshds: SshdHandle[];
}

const TOKEN = 'e2e-catalog-token';

const SOURCE = `description: One web server
inputs:
  size:
    type: choice
    allowed: [s-1vcpu-1gb, s-2vcpu-4gb]
    default: s-1vcpu-1gb
resources:
  machines:
    web:
      cloud: DO
      size: \${inputs.size}
      image: debian-12-x64
      location: fra1
      key: deploy
steps:
  hello:
    on: [web]
    script: echo "hello from the catalog"
`;

const test = base.extend<object, { catalogWorld: CatalogWorld }>({
  catalogWorld: [
    async ({ browser }, use) => {
      const sim = await startDigitalOceanSim({
        accounts: [{ token: TOKEN, droplets: 0 }],
        // An sshd listens on the droplet's address, port 22: away from the addresses of the
        // droplets whose sshds the stacks tests (vitest) start, which may run at the same time.
        firstDropletId: 400_900_001,
        bootDelayMs: 0,
        actionDelayMs: 0,
      });
      const stack = await startStack({ adminEmail: 'e2e-catalog@example.com' });
      const admin = await browser.newContext({ baseURL: stack.baseURL });
      const adminPage = await admin.newPage();
      await logIn(adminPage, stack.admin);
      const api = admin.request;
      const cloud = await api.post('/api/v1/clouds', {
        data: { provider: 'digitalocean', title: 'DO', credentials: { token: TOKEN }, endpoint: sim.url },
      });
      expect(cloud.status()).toBe(201);
      const key = await api.post('/api/v1/ssh-keys', { data: { name: 'deploy', isDefault: true } });
      expect(key.status()).toBe(201);
      const publicKey = (await key.json()).publicKey as string;
      const template = await api.post('/api/v1/templates', { data: { name: 'web-server', source: SOURCE } });
      expect(template.status()).toBe(201);
      const member = { email: 'catalog-member@example.com', password: 'a long member password 2' };
      await memberOfBudgetedTeam(api, browser, stack.baseURL, member, '20');
      await admin.close();
      const world = { stack, sim, member, publicKey, sshds: [] as SshdHandle[] };
      await use(world);
      for (const s of world.sshds) await s.stop();
      await stack.stop();
      await sim.close();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ catalogWorld }, use) => use(catalogWorld.stack.baseURL),
});

test('an admin publishes to a team; a member deploys within budget to complete, is refused over it, and the admin updates the stack', async ({
  browser,
  page,
  catalogWorld,
}) => {
  test.setTimeout(300_000);
  const { stack, sim, member } = catalogWorld;

  // The admin publishes the template to team Web.
  await logIn(page, stack.admin);
  await page.goto('/catalog');
  await page.getByRole('button', { name: 'Publish' }).click();
  const publish = page.getByRole('dialog');
  await publish.getByLabel('Template').selectOption({ label: 'web-server (version 1)' });
  await publish.getByLabel('Name in the catalog').fill('Web server');
  await publish.getByRole('checkbox', { name: 'Web' }).check();
  await publish.getByRole('button', { name: 'Publish' }).click();
  await expect(page.locator('[data-catalog-item="Web server"]')).toBeVisible();

  // The member deploys it, seeing the cost and the budget first.
  const memberContext = await browser.newContext({ baseURL: stack.baseURL });
  const mp = await memberContext.newPage();
  await logIn(mp, member);
  await mp.goto('/catalog');
  const item = mp.locator('[data-catalog-item="Web server"]');
  await item.getByRole('button', { name: 'Deploy' }).click();
  const deploy = mp.getByRole('dialog');
  await deploy.getByLabel('Stack name').fill('shop');
  await expect(deploy.locator('[data-monthly]')).toHaveText('$6.00 a month', { timeout: 30_000 });
  await expect(deploy.locator('[data-budget="Team Web"]')).toContainText(
    'Team Web: $0.00 of $20.00 used; $14.00 would remain after this.',
  );
  await deploy.getByRole('button', { name: 'Deploy' }).click();
  await expect(mp).toHaveURL(/\/stacks\/[0-9a-f-]{36}$/);
  const stackId = mp.url().split('/').pop()!;
  await expect(mp.getByRole('heading', { level: 1, name: 'shop' })).toBeVisible();

  // Its machine answers over SSH at the address the emulator gave it.
  const api = memberContext.request;
  const addressOf = async (): Promise<string | null> => {
    const s = await (await api.get(`/api/v1/stacks/${stackId}`)).json();
    const machineId = s.resources[0]?.machineId;
    if (!machineId) return null;
    const detail = await (await api.get(`/api/v1/machines/${machineId}`)).json();
    return detail.machine?.publicIps?.[0] ?? null;
  };
  await expect.poll(addressOf, { timeout: 90_000 }).toMatch(/^127\./);
  const host = (await addressOf()) as string;
  catalogWorld.sshds.push(await startSshd({ host, port: 22, authorizedKeys: [catalogWorld.publicKey] }));

  // The page follows the stack to the end from the event stream.
  await expect(mp.locator('[data-stack-status] [data-status]')).toHaveText('complete', {
    timeout: 150_000,
  });
  await expect(mp.locator('[data-step="hello"]')).toContainText('hello from the catalog');
  await expect(mp.locator('[data-resource="web"] [data-status]')).toHaveText('ready');

  // A second deploy, of the larger size, goes over the budget: refused whole, nothing made.
  await mp.goto('/catalog');
  await item.getByRole('button', { name: 'Deploy' }).click();
  await deploy.getByLabel('Stack name').fill('shop-big');
  await deploy.getByLabel('size').selectOption('s-2vcpu-4gb');
  const refusal =
    "Team Web's budget is $20.00 a month; its machines cost $6.00 and this stack would add $24.00: " +
    'choose a size of at most $14.00 a month, or ask an admin to raise the limit.';
  await expect(deploy.getByRole('alert')).toContainText(refusal, { timeout: 30_000 });
  await deploy.getByRole('button', { name: 'Deploy' }).click();
  await expect(deploy.getByRole('alert').filter({ hasText: refusal }).first()).toBeVisible();
  expect([...sim.account(TOKEN).droplets.values()].map((d) => d.name)).toEqual(['shop-web']);
  await memberContext.close();

  // The admin changes the template's step; the stack is updated after its plan, keeping its machine.
  const templates = (await (await page.request.get('/api/v1/templates')).json()).items as {
    id: string;
    name: string;
  }[];
  const template = templates.find((t) => t.name === 'web-server')!;
  const changed = await page.request.patch(`/api/v1/templates/${template.id}`, {
    data: { source: SOURCE.replace('hello from the catalog', 'hello again') },
  });
  expect(changed.status()).toBe(200);
  await page.goto(`/stacks/${stackId}`);
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  const update = page.getByRole('dialog', { name: 'Update shop' });
  await expect(update.getByLabel('Template version')).toHaveValue('2');
  await update.getByRole('button', { name: 'Review changes' }).click();
  const plan = update.locator('[data-plan]');
  await expect(plan).toContainText('Version 1 → 2');
  await expect(plan).toContainText('Steps that run again: hello');
  await expect(plan).toContainText('Kept as they are: web');
  await update.getByRole('button', { name: 'Update', exact: true }).click();
  await expect(update).toBeHidden();
  await expect(page.locator('[data-step="hello"]')).toContainText('hello again', { timeout: 60_000 });
  await expect(page.locator('[data-stack-status] [data-status]')).toHaveText('complete');
  await expect(page.getByRole('button', { name: 'Roll back to version 1' })).toBeVisible();
  expect([...sim.account(TOKEN).droplets.values()].map((d) => d.name)).toEqual(['shop-web']);
});

test('the catalog, stacks and approvals pages fit a phone screen in dark mode', async ({
  browser,
  page,
  catalogWorld,
}) => {
  await logIn(page, catalogWorld.member);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/catalog', '/stacks', '/deploy-requests']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
  }

  // The admin's stack page, its update plan and the roll back question fit too.
  const adminContext = await browser.newContext({
    baseURL: catalogWorld.stack.baseURL,
    colorScheme: 'dark',
    viewport: { width: 390, height: 844 },
  });
  const admin = await adminContext.newPage();
  await logIn(admin, catalogWorld.stack.admin);
  const stacks = (await (await admin.request.get('/api/v1/stacks')).json()).items as {
    id: string;
    name: string;
  }[];
  await admin.goto(`/stacks/${stacks.find((s) => s.name === 'shop')!.id}`);
  await admin.getByRole('button', { name: 'Update', exact: true }).click();
  const update = admin.getByRole('dialog', { name: 'Update shop' });
  await update.getByLabel('Template version').selectOption('1');
  await update.getByRole('button', { name: 'Review changes' }).click();
  await expect(update.locator('[data-plan]')).toContainText('Version 2 → 1');
  expect(await admin.evaluate(() => document.documentElement.scrollWidth), 'update plan').toBeLessThanOrEqual(
    390,
  );
  await update.getByRole('button', { name: 'Cancel' }).click();
  await admin.getByRole('button', { name: 'Roll back to version 1' }).click();
  await expect(admin.getByRole('dialog', { name: 'Roll shop back to version 1?' })).toBeVisible();
  expect(await admin.evaluate(() => document.documentElement.scrollWidth), 'roll back').toBeLessThanOrEqual(
    390,
  );
  await adminContext.close();
});
