import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import pg from 'pg';
import { submitLogin } from './support/login';
import { repoRoot } from './support/paths';
import { type Credentials, type Stack, startStack } from './support/stack';

// Every page at a phone's width (390 × 844), in light and dark mode, with enough rows to fill
// its tables: nothing makes the document wider than the screen, the navigation menu reaches
// every page, and each page's main buttons are on screen. Screenshots are kept for a look.

interface MobileWorld {
  stack: Stack;
  machineId: string;
}

const test = base.extend<object, { mobileWorld: MobileWorld }>({
  mobileWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const stack = await startStack({ adminEmail: 'e2e-mobile-owner-with-a-long-address@example.com' });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      let machineId = '';
      try {
        const org = await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1');
        const organizationId = org.rows[0]?.id;
        // A disabled cloud: no poller touches it; its rows are what the pages show.
        const cloud = await db.query<{ id: string }>(
          `INSERT INTO clouds (organization_id, provider, title, credentials, enabled, poll_status, last_poll_at)
           VALUES ($1, 'ssh_host', 'Production servers in Frankfurt', '\\x00', false, 'ok', now()) RETURNING id`,
          [organizationId],
        );
        const cloudId = cloud.rows[0]?.id;
        for (let i = 0; i < 12; i++) {
          const name = `frankfurt-application-server-${String(i).padStart(2, '0')}`;
          const row = await db.query<{ id: string }>(
            `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, raw_state, size, location,
                                   public_ips, private_ips, cost_monthly, cost_hourly, cost_source, launched_at)
             VALUES ($1, $2, $3, $3, $4::"MachineState", $5, 's-8vcpu-16gb-amd', 'eu-central-1a', ARRAY['203.0.113.${10 + i}'],
                     ARRAY['10.0.12.${10 + i}'], 1234567.89, 1691.2, 'table', now() - interval '40 days')
             RETURNING id`,
            [
              organizationId,
              cloudId,
              name,
              i % 3 === 0 ? 'stopped' : 'running',
              i % 3 === 0 ? 'stopped' : 'running',
            ],
          );
          if (i === 0) machineId = row.rows[0]?.id ?? '';
          await db.query(
            `INSERT INTO volumes (organization_id, cloud_id, external_id, name, size_gb, state, location, attached_to)
             VALUES ($1, $2, $3, $3, 500, $4, 'eu-central-1a', $5)`,
            [
              organizationId,
              cloudId,
              `${name}-data-volume`,
              i % 2 ? 'in-use' : 'available',
              i % 2 ? [name] : [],
            ],
          );
        }
        // Enough unattached volumes for more than one page.
        await db.query(
          `INSERT INTO volumes (organization_id, cloud_id, external_id, name, size_gb, state, raw_state, location)
           SELECT $1, $2, 'spare-' || n, 'spare-disk-' || lpad(n::text, 3, '0'), 20, 'available', 'available', 'eu-central-1b'
           FROM generate_series(1, 60) AS n`,
          [organizationId, cloudId],
        );
        await db.query(
          `INSERT INTO rules (organization_id, name, target, condition, actions)
           VALUES ($1, 'Frankfurt application servers are running hot', '{"kind":"all"}',
                   '{"kind":"metric","metric":"cpu","aggregate":"avg","operator":">","threshold":90,"windowSeconds":300,"forEvaluations":2}',
                   '[{"kind":"email"},{"kind":"machine_action","action":"reboot"}]')`,
          [organizationId],
        );
        const script = await db.query<{ id: string }>(
          `INSERT INTO scripts (organization_id, name, description)
           VALUES ($1, 'Rotate application logs and restart', 'Compresses yesterday''s logs everywhere') RETURNING id`,
          [organizationId],
        );
        await db.query(
          `INSERT INTO script_versions (script_id, version, body) VALUES ($1, 1, 'logrotate -f')`,
          [script.rows[0]?.id],
        );
      } finally {
        await db.end();
      }
      await use({ stack, machineId });
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ mobileWorld }, use) => use(mobileWorld.stack.baseURL),
});

test.use({ viewport: { width: 390, height: 844 } });

/** Every page of the navigation menu (label, address), and the account page from the user menu. */
const menuPages = [
  ['Dashboard', '/'],
  ['Clouds', '/clouds'],
  ['Machines', '/machines'],
  ['Volumes', '/volumes'],
  ['Networks', '/networks'],
  ['Firewalls', '/firewalls'],
  ['Keys', '/keys'],
  ['Monitoring', '/monitoring'],
  ['Scripts', '/scripts'],
  ['Schedules', '/schedules'],
  ['Rules', '/rules'],
  ['Incidents', '/incidents'],
  ['Activity', '/activity'],
  ['Team', '/team'],
] as const;

const screenshots = join(repoRoot, 'test-results', 'mobile');

async function expectFits(page: Page, what: string) {
  await page.waitForLoadState('networkidle');
  const { width, culprits } = await page.evaluate(() => {
    // The outermost elements that stick out, to say what to fix.
    const clipped = (el: Element): boolean => {
      for (let up = el.parentElement; up; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return up.getBoundingClientRect().right <= 391;
      }
      return false;
    };
    const out = [...document.querySelectorAll('body *')].filter(
      (el) => el.getBoundingClientRect().right > 391 && !clipped(el),
    );
    const outermost = out.filter((el) => !out.includes(el.parentElement as Element));
    return {
      width: document.documentElement.scrollWidth,
      culprits: outermost.slice(0, 3).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`),
    };
  });
  expect
    .soft(width, `${what}: the document is ${width} px wide (${culprits.join(', ')})`)
    .toBeLessThanOrEqual(390);
}

/** The page's own buttons (beside its title) are fully on screen. */
async function expectActionsOnScreen(page: Page, what: string) {
  const actions = page.locator('main header').first().locator('button, a');
  for (const action of await actions.all()) {
    if (!(await action.isVisible())) continue;
    const box = await action.boundingBox();
    expect(box, `${what}: a button has no box`).not.toBeNull();
    if (!box) continue;
    expect
      .soft(box.x, `${what}: "${await action.textContent()}" starts off screen`)
      .toBeGreaterThanOrEqual(0);
    expect
      .soft(box.x + box.width, `${what}: "${await action.textContent()}" ends off screen`)
      .toBeLessThanOrEqual(390);
  }
}

async function expectInViewport(page: Page, button: ReturnType<Page['getByRole']>) {
  await button.scrollIntoViewIfNeeded();
  const box = await button.boundingBox();
  expect(box).not.toBeNull();
  if (!box) return;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(844);
}

/** Logs in; on a phone the navigation stays folded away, so the dashboard's heading says we're in. */
async function logIn(page: Page, credentials: Credentials) {
  await page.goto('/login');
  await submitLogin(page, credentials);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

async function openMenu(page: Page) {
  await page.getByRole('button', { name: 'Menu' }).click();
  return page.getByRole('navigation', { name: 'Main' });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every page fits a 390 px phone in ${scheme} mode`, async ({ page, mobileWorld }) => {
    test.setTimeout(120_000);
    await mkdir(screenshots, { recursive: true });
    await page.emulateMedia({ colorScheme: scheme });
    await logIn(page, mobileWorld.stack.admin);
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);

    const pages = [
      ...menuPages.map(([label, path]) => [label.toLowerCase(), path] as const),
      ['account', '/account'],
      ['machine', `/machines/${mobileWorld.machineId}`],
      ['create-machine', '/machines/new'],
      ['not-found', '/no-such-page'],
    ] as const;
    for (const [name, path] of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectFits(page, name);
      await expectActionsOnScreen(page, name);
      await page.screenshot({ path: join(screenshots, `${scheme}-${name}.png`), fullPage: true });
    }

    // The navigation is a menu: closed, it takes no room; open, it reaches every page.
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
    for (const [label, path] of menuPages) {
      const nav = await openMenu(page);
      await nav.getByRole('link', { name: label, exact: true }).click();
      await expect(page).toHaveURL((url) => url.pathname === path);
      await expect(nav).toBeHidden();
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    }
    await page.getByRole('button', { name: /e2e-mobile-owner/ }).click();
    await page.getByRole('menuitem', { name: /Account/ }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/account');
  });
}

test('dialogs keep their buttons on a phone’s screen', async ({ page, mobileWorld }) => {
  await logIn(page, mobileWorld.stack.admin);

  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Add cloud' }).click();
  const addCloud = page.getByRole('dialog', { name: 'Add a cloud' });
  await addCloud.getByRole('radio', { name: 'DigitalOcean' }).check();
  await expectInViewport(page, addCloud.getByRole('button', { name: 'Add cloud' }));
  await expectFits(page, 'Add cloud');
  await page.screenshot({ path: join(screenshots, 'dialog-add-cloud.png') });
  await addCloud.getByRole('button', { name: 'Cancel' }).click();

  await page.goto('/rules');
  await page.getByRole('button', { name: 'New rule' }).first().click();
  const rule = page.getByRole('dialog', { name: 'New rule' });
  await expectInViewport(page, rule.getByRole('button', { name: 'Create rule' }));
  await expectFits(page, 'New rule');
  // Each select is wide enough to show its whole choice.
  for (const select of await rule.locator('select').all()) {
    const { text, fits } = await select.evaluate((el: HTMLSelectElement) => {
      const shown = el.selectedOptions[0]?.text ?? '';
      const style = getComputedStyle(el);
      const context = document.createElement('canvas').getContext('2d');
      if (!context) throw new Error('no canvas');
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // The text, its left padding and the arrow's room on the right.
      const needed = context.measureText(shown).width + Number.parseFloat(style.paddingLeft) + 24;
      return { text: shown, fits: needed <= el.clientWidth };
    });
    expect.soft(fits, `"${text}" is cut off`).toBe(true);
  }
  await page.screenshot({ path: join(screenshots, 'dialog-new-rule.png') });
});

test('on a phone, a rule watches chosen machines and runs a script; email is not offered without SMTP', async ({
  page,
  mobileWorld,
}) => {
  await logIn(page, mobileWorld.stack.admin);
  await page.goto('/rules');
  await page.getByRole('button', { name: 'New rule' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New rule' });
  await dialog.getByLabel('Name', { exact: true }).fill('Hot Frankfurt servers get their logs rotated');

  // No smtp.host on this stack: email is neither ticked nor tickable, and the dialog says why.
  const email = dialog.getByRole('checkbox', { name: 'Email the recipients' });
  await expect(email).not.toBeChecked();
  await expect(email).toBeDisabled();
  await expect(dialog.getByText('Email is off on this server')).toBeVisible();

  await dialog.getByLabel('Watch').selectOption({ label: 'These machines' });
  await dialog.getByLabel('Find machines').fill('server-03');
  await dialog.getByRole('checkbox', { name: /frankfurt-application-server-03/ }).check();
  await dialog.getByLabel('Find machines').fill('server-07');
  await dialog.getByRole('checkbox', { name: /frankfurt-application-server-07/ }).check();
  await expect(dialog.getByText('2 chosen')).toBeVisible();
  await dialog.getByLabel('Run a script').selectOption({ label: 'Rotate application logs and restart' });
  await expectFits(page, 'New rule with machines');
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  await expect(dialog).toBeHidden();

  // What was saved is what the dialog showed.
  const rules = await (await page.request.get('/api/v1/rules')).json();
  const rule = rules.items.find(
    (r: { name: string }) => r.name === 'Hot Frankfurt servers get their logs rotated',
  );
  expect(rule.target.kind).toBe('machines');
  expect(rule.target.machineIds).toHaveLength(2);
  expect(rule.actions).toEqual([{ kind: 'script', scriptId: expect.any(String) }]);

  // Editing shows the same choices again.
  // The list refreshes after the save and may redraw the row under the first click: try again then.
  const more = page.getByRole('button', {
    name: 'More actions for Hot Frankfurt servers get their logs rotated',
  });
  const editItem = page.getByRole('menuitem', { name: 'Edit' });
  await expect(async () => {
    await more.click();
    await expect(editItem).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await editItem.click();
  const edit = page.getByRole('dialog', { name: /Edit Hot Frankfurt/ });
  await expect(edit.getByLabel('Watch')).toHaveValue('machines');
  await expect(edit.getByText('2 chosen')).toBeVisible();
  await expect(edit.getByLabel('Run a script')).toHaveValue(rule.actions[0].scriptId);
  await edit.getByRole('button', { name: 'Cancel' }).click();
});

test('on a phone, a machine’s metrics can come from its node_exporter', async ({ page, mobileWorld }) => {
  await logIn(page, mobileWorld.stack.admin);
  await page.goto(`/machines/${mobileWorld.machineId}`);
  const form = page.getByRole('form', { name: 'How metrics are read' });
  await form.getByLabel('Read metrics').selectOption('node_exporter');
  await form.getByLabel('node_exporter URL').fill('http://127.0.0.1:9100/metrics');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Metrics come from node_exporter')).toBeVisible();
  await expectFits(page, 'machine with node_exporter');

  await page.reload();
  await expect(form.getByLabel('Read metrics')).toHaveValue('node_exporter');
  await expect(form.getByLabel('node_exporter URL')).toHaveValue('http://127.0.0.1:9100/metrics');
});

test('on a phone, volumes come a page at a time, with search and a state filter; a machine lists its own', async ({
  page,
  mobileWorld,
}) => {
  await logIn(page, mobileWorld.stack.admin);
  await page.goto('/volumes');
  const rows = page.locator('tr[data-volume-id]');
  await expect(page.getByText('72 volumes, 7,200 GB in all')).toBeVisible();
  await expect(rows).toHaveCount(50);
  const pager = page.getByRole('navigation', { name: 'Volume pages' });
  await expect(pager).toContainText('1–50 of 72');
  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(pager).toContainText('51–72 of 72');
  await expect(rows).toHaveCount(22);
  await expect(page).toHaveURL(/page=2/);
  await expectFits(page, 'volumes, page 2');

  await page.getByRole('searchbox', { name: 'Search volumes' }).fill('server-05');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('frankfurt-application-server-05-data-volume');
  await expect(rows.first()).toContainText('In use');
  await expect(pager).toBeHidden();

  await page.getByRole('searchbox', { name: 'Search volumes' }).fill('');
  await page.getByLabel('State').selectOption({ label: 'In use' });
  await expect(rows).toHaveCount(6);
  await expect(page.getByText('6 volumes match')).toBeVisible();
  await page.getByLabel('State').selectOption({ label: 'Error' });
  await expect(page.getByText('No volume matches')).toBeVisible();
  await page.screenshot({ path: join(screenshots, 'volumes-filtered.png'), fullPage: true });

  // Machine 01 has its data volume attached (odd ones do); machine 00 has none.
  const machines = page.locator('tbody tr[data-machine-id]');
  await page.goto('/machines?q=server-01');
  await machines.first().getByRole('link', { name: 'frankfurt-application-server-01' }).click();
  const card = page.getByRole('list', { name: 'Attached volumes' });
  await expect(card.getByRole('link', { name: 'frankfurt-application-server-01-data-volume' })).toBeVisible();
  await expect(card).toContainText('500 GB');
  await expectFits(page, 'machine with volumes');
  await page.goto(`/machines/${mobileWorld.machineId}`);
  await expect(page.getByText('No volumes are attached to this machine.')).toBeVisible();
});

test('an invitation link opens on a phone without console warnings', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
  });
  await page.goto(`/invite?token=${'x'.repeat(32)}`);
  // No such invitation: the page says so.
  await expect(page.getByRole('alert')).toBeVisible();
  await expectFits(page, 'invite');
  await page.screenshot({ path: join(screenshots, 'invite.png'), fullPage: true });
  expect(warnings.filter((w) => /hydrat/i.test(w))).toEqual([]);
});
