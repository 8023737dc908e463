import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { test as base, expect } from '@playwright/test';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// The production api and worker with monitoring on a short interval: a machine row pointing at a
// loopback sshd is monitored from its page, graphs appear, a rule built in the UI fires and its
// email reaches a real SMTP listener, and the incident's timeline says so.

interface MonitoringWorld {
  stack: Stack;
  sshd: SshdHandle;
  key: KeyPair;
  machineId: string;
  mails: string[];
  smtp: SMTPServer;
}

const test = base.extend<object, { world: MonitoringWorld }>({
  world: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const mails: string[] = [];
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, _session, callback) {
          let raw = '';
          stream.on('data', (c: Buffer) => {
            raw += c.toString('utf8');
          });
          stream.on('end', () => {
            mails.push(raw);
            callback();
          });
        },
      });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
      const smtpPort = (smtp.server.address() as { port: number }).port;
      const key = await generateKeyPair({ type: 'ed25519', comment: 'overcast-e2e' });
      const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      const stack = await startStack({
        adminEmail: 'e2e-monitoring@example.com',
        env: {
          OVERCAST_MONITORING_INTERVAL_SECONDS: '10',
          OVERCAST_MONITORING_EVALUATE_SECONDS: '10',
          OVERCAST_SMTP_HOST: '127.0.0.1',
          OVERCAST_SMTP_PORT: String(smtpPort),
        },
      });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      let machineId = '';
      try {
        const org = await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1');
        const organizationId = org.rows[0]?.id;
        const cloud = await db.query<{ id: string }>(
          `INSERT INTO clouds (organization_id, provider, title, credentials, enabled, poll_status)
           VALUES ($1, 'digitalocean', 'Lab hosts', '\\x00', false, 'ok') RETURNING id`,
          [organizationId],
        );
        const machine = await db.query<{ id: string }>(
          `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, raw_state, public_ips, ssh_port, ssh_user, cost_monthly)
           VALUES ($1, $2, 'lab-1', 'lab-box', 'running', 'running', ARRAY['127.0.0.1'], $3, $4, 42) RETURNING id`,
          [organizationId, cloud.rows[0]?.id, sshd.port, sshd.user],
        );
        machineId = machine.rows[0]?.id ?? '';
      } finally {
        await db.end();
      }
      await use({ stack, sshd, key, machineId, mails, smtp });
      await stack.stop();
      await sshd.stop();
      await new Promise((r) => smtp.close(() => r(null)));
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ world }, use) => use(world.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

test('monitoring from the machine page, a rule built in the UI fires and emails, the incident shows its timeline', async ({
  page,
  world,
}) => {
  test.setTimeout(120_000);
  const { stack, key, machineId, mails } = world;
  await mkdir(paths.artifacts, { recursive: true });
  await logIn(page, stack.admin);
  const imported = await page.request.post('/api/v1/ssh-keys', {
    data: { name: 'lab key', privateKey: key.privateKey, isDefault: true },
  });
  expect(imported.status()).toBe(201);

  // Monitoring on, from the machine's page; graphs follow within a collection interval or two.
  await page.goto(`/machines/${machineId}`);
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await expect(metrics.getByText('Monitoring is off')).toBeVisible();
  await metrics.getByRole('button', { name: 'Turn on monitoring' }).click();
  // Each try waits for the page to be back first: a loaded machine may take longer than the check.
  await expect(async () => {
    await page.reload();
    await expect(metrics).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('img', { name: 'CPU chart' })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole('img', { name: 'Disk used chart' })).toBeVisible();
  await page.screenshot({ path: join(paths.artifacts, 'machine-metrics.png'), fullPage: true });
  for (const range of ['24h', '7d', '30d']) {
    await metrics.getByRole('button', { name: range, exact: true }).click();
    await expect(page.getByRole('img', { name: 'Memory used chart' })).toBeVisible();
  }

  // Notification settings: recipients, and a test that really arrives.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'Email recipients' }).click();
  const channel = page.getByRole('dialog', { name: 'Add email recipients' });
  await channel.getByLabel('Recipients').fill('ops@example.com');
  await channel.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByText('A test email was sent through "Team".')).toBeVisible();
  await expect.poll(() => mails.some((m) => m.includes('Test notification from Overcast'))).toBe(true);

  // A rule that holds at once: load is never below zero.
  await page.getByRole('button', { name: 'New rule' }).click();
  const builder = page.getByRole('dialog', { name: 'New rule' });
  await builder.getByLabel('Name').fill('lab load');
  await builder.getByLabel('Metric').selectOption('load1');
  await builder.getByLabel('Aggregated as').selectOption('max');
  await builder.getByLabel('Over (minutes)').fill('1');
  await builder.getByLabel('Is', { exact: true }).selectOption('>=');
  await builder.getByLabel('Threshold').fill('0');
  await builder.getByLabel('Checks in a row').fill('1');
  await builder.getByRole('button', { name: 'Create rule' }).click();
  await expect(builder).toBeHidden();
  const row = page.locator('tr', { hasText: 'lab load' });
  await page.screenshot({ path: join(paths.artifacts, 'rules.png'), fullPage: true });
  await expect(row).toContainText('max load (1 min) over 1 min >= 0');
  await expect(row.getByText('1 open')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => mails.some((m) => m.includes('lab load: lab-box')), { timeout: 20_000 }).toBe(true);

  // The incident and its timeline.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
  await page.getByRole('link', { name: 'lab load' }).first().click();
  await expect(page.getByText('lab load fired on lab-box')).toBeVisible();
  await expect(page.getByText('email sent to "Team"')).toBeVisible();
  await page.screenshot({ path: join(paths.artifacts, 'incident.png'), fullPage: true });

  // The machine's page says what is wrong with it.
  await page.goto(`/machines/${machineId}`);
  await expect(
    page.getByRole('region', { name: 'Metrics' }).getByRole('link', { name: 'lab load' }),
  ).toBeVisible();

  // The fleet view lists the machine with its cost.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Monitoring' }).click();
  await expect(
    page.getByRole('region', { name: 'Idlest' }).getByRole('link', { name: 'lab-box' }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Idlest' })).toContainText('$42');
  const byTag = page.getByRole('region', { name: 'By tag' });
  await byTag.getByLabel('Tag').fill('env');
  await byTag.getByLabel('Value').fill('nowhere');
  await byTag.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('Monitoring on for 0 machines')).toBeVisible();

  // Edited so it no longer holds: the incident resolves and the resolved notice is emailed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'More actions for lab load' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const editor = page.getByRole('dialog', { name: 'Edit lab load' });
  await expect(editor.getByLabel('Threshold')).toHaveValue('0');
  await editor.getByLabel('Threshold').fill('1000000');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toBeHidden();
  await expect(page.locator('tr', { hasText: 'lab load' }).getByText('OK')).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(() => mails.some((m) => m.includes('Resolved: lab load')), { timeout: 20_000 })
    .toBe(true);
});
