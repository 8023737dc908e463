import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import pg from 'pg';
import { logIn, submitLogin } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// An admin invites a member through the Team page; the member joins with the link, is put in a
// team whose policy covers one cloud only, logs in again, and sees that cloud's machines and no
// others: not in the list, not by address.

interface TeamsWorld {
  stack: Stack;
  blueMachineId: string;
}

const test = base.extend<object, { teamsWorld: TeamsWorld }>({
  teamsWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const stack = await startStack({ adminEmail: 'e2e-teams@example.com' });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      let blueMachineId = '';
      try {
        const org = await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1');
        const organizationId = org.rows[0]?.id;
        // Disabled clouds: no poller touches them; the rows are what the policies are about.
        for (const [title, machine] of [
          ['Red cloud', 'red-web'],
          ['Blue cloud', 'blue-db'],
        ] as const) {
          const cloud = await db.query<{ id: string }>(
            `INSERT INTO clouds (organization_id, provider, title, credentials, enabled, poll_status)
             VALUES ($1, 'ssh_host', $2, '\\x00', false, 'ok') RETURNING id`,
            [organizationId, title],
          );
          const row = await db.query<{ id: string }>(
            `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, raw_state)
             VALUES ($1, $2, $3, $3, 'running', 'running') RETURNING id`,
            [organizationId, cloud.rows[0]?.id, machine],
          );
          if (machine === 'blue-db') blueMachineId = row.rows[0]?.id ?? '';
        }
      } finally {
        await db.end();
      }
      await use({ stack, blueMachineId });
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ teamsWorld }, use) => use(teamsWorld.stack.baseURL),
});

test.use({ viewport: { width: 1440, height: 900 } });

const machineRows = (page: Page) => page.locator('tbody tr[data-machine-id]');

test('an admin invites a member; in the red team, the member sees only the red cloud’s machines', async ({
  page,
  browser,
  teamsWorld,
}) => {
  test.setTimeout(120_000);
  const { stack, blueMachineId } = teamsWorld;
  const member = { email: 'e2e-new-member@example.com', password: 'member-password-1' };

  // The admin invites by email and gets the link (no SMTP here).
  await logIn(page, stack.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await page.getByLabel('Email', { exact: true }).fill(member.email);
  await page.getByLabel('Role', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Invite' }).click();
  const link = await page.getByTestId('invite-link').textContent();
  expect(link).toContain('/invite?token=');
  const invitePath = new URL(link ?? '').pathname + new URL(link ?? '').search;

  // The invited person opens the link in their own browser and makes an account.
  const theirs = await browser.newContext({ baseURL: stack.baseURL, viewport: { width: 1440, height: 900 } });
  const them = await theirs.newPage();
  await them.goto(invitePath);
  await expect(them.getByRole('heading', { name: /Join/ })).toBeVisible();
  await them.getByLabel('Your name').fill('New Member');
  await them.getByLabel('Password', { exact: true }).fill(member.password);
  await them.getByRole('button', { name: /^Join / }).click();
  await expect(them.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // Before any team, a member sees every machine (the role's defaults).
  await them.goto('/machines');
  await expect(machineRows(them)).toHaveCount(2);

  // The admin puts them in a team that may use the red cloud only.
  await page.reload();
  await page.getByLabel('New team').fill('Red team');
  await page.getByRole('button', { name: 'Create team' }).click();
  const team = page.getByRole('region', { name: 'Team Red team' });
  await expect(team).toBeVisible();
  // The box reflects the saved team, so it turns checked once the change is stored.
  await team.getByRole('checkbox', { name: member.email }).click();
  await expect(team.getByRole('checkbox', { name: member.email })).toBeChecked();
  await expect(page.locator('tr[data-member="e2e-new-member@example.com"]')).toContainText('Red team');
  const form = team.getByRole('form', { name: 'Add a policy to Red team' });
  await form.getByLabel('Action', { exact: true }).selectOption('*');
  await form.getByLabel('On', { exact: true }).selectOption('*');
  await form.getByLabel('In cloud', { exact: true }).selectOption({ label: 'Red cloud' });
  await form.getByRole('button', { name: 'Add policy' }).click();
  await expect(team.getByText('Allow everything on all resources in Red cloud')).toBeVisible();

  // The member logs in again: the red machine is there, the blue one is not, not even by address.
  await them.getByRole('button', { name: member.email }).click();
  await them.getByRole('menuitem', { name: 'Log out' }).click();
  await them.goto('/login');
  await submitLogin(them, member);
  await expect(them.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await them.goto('/machines');
  await expect(machineRows(them)).toHaveCount(1);
  await expect(machineRows(them).getByRole('link', { name: 'red-web' })).toBeVisible();
  await expect(them.getByRole('link', { name: 'blue-db' })).toHaveCount(0);
  await them.goto(`/machines/${blueMachineId}`);
  await expect(them.getByRole('heading', { name: 'Machine not found' })).toBeVisible();
  // Adding clouds is not theirs to do: the button is not offered.
  await them.goto('/clouds');
  await expect(them.getByRole('button', { name: 'Add cloud' })).toHaveCount(0);
  await theirs.close();
});

test('the Activity page names each resource and links to it, at 390 px in dark mode', async ({
  page,
  teamsWorld,
}) => {
  const { stack, blueMachineId } = teamsWorld;
  const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO audit_events (organization_id, actor_label, action, resource_kind, resource_id, details)
       SELECT organization_id, 'e2e', 'machine.tag', 'machine', id::text, '{}' FROM machines WHERE id = $1`,
      [blueMachineId],
    );
  } finally {
    await db.end();
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await logIn(page, stack.admin);
  await page.goto('/activity');
  const row = page.locator('tr[data-action="machine.tag"]').first();
  // The machine by its name, not its id; the id stays in the tooltip.
  const link = row.getByRole('link', { name: 'blue-db' });
  await expect(link).toBeVisible();
  await expect(row).not.toContainText(blueMachineId);
  await page.screenshot({ path: join(paths.artifacts, 'activity-390-dark.png'), fullPage: true });
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/machines/${blueMachineId}$`));
  await expect(page.getByRole('heading', { name: 'blue-db' })).toBeVisible();
});
