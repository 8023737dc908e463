import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DigitalOceanSim,
  type DockerSim,
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  type Ec2Sim,
  type GceSim,
  startDigitalOceanSim,
  startDockerSim,
  startEc2Sim,
  startGceSim,
} from '@overcast/cloud-sim';
import { test as base, expect, type Page } from '@playwright/test';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { addAws } from './support/clouds';
import { logIn, submitLogin } from './support/login';
import { repoRoot } from './support/paths';
import { type Stack, startStack } from './support/stack';

// A newcomer's first hour, through the UI only: every simulated cloud is added, a key generated on
// the Keys page opens an SSH host on a loopback sshd, a terminal and a script run there, a rule
// fires on its metrics, and the money the Dashboard and Clouds pages show is what the API says.

interface FirstHourWorld {
  stack: Stack;
  digitalOcean: DigitalOceanSim;
  ec2: Ec2Sim;
  gce: GceSim;
  docker: DockerSim;
  sshd: SshdHandle;
  doToken: string;
  gceServiceAccount: string;
}

const DO_TOKEN = 'dop_v1_first_hour';
const GCE_PROJECT = 'first-hour';
const GCE_EMAIL = 'overcast@first-hour.iam.gserviceaccount.com';
// Not 127.0.0.1 and not port 22: Overcast must dial the address and port the host line gives.
const SSH_ADDRESS = '127.0.0.3';
const SSH_HOST_NAME = 'first-hour-box';
const SSH_CLOUD = 'Lab servers';

const shots = join(repoRoot, 'test-results/first-hour');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

const test = base.extend<object, { world: FirstHourWorld }>({
  world: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dockerDir = mkdtempSync(join(tmpdir(), 'overcast-e2e-first-hour-'));
      const digitalOcean = await startDigitalOceanSim({
        accounts: [{ token: DO_TOKEN, droplets: 6, namePrefix: 'droplet' }],
        bootDelayMs: 500,
        actionDelayMs: 200,
        rateLimit: { limit: 1_000_000, windowMs: 3_600_000 },
      });
      const ec2 = await startEc2Sim({ seed: 5, transitionMs: 500 });
      const keys = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const gce = await startGceSim({
        serviceAccounts: [{ email: GCE_EMAIL, projects: [GCE_PROJECT], publicKey: keys.publicKey }],
        projects: [{ id: GCE_PROJECT, instances: 4, namePrefix: 'vm' }],
      });
      // The key file as the Google Cloud console downloads it, pointing at the emulator's token endpoint.
      const gceServiceAccount = JSON.stringify({
        type: 'service_account',
        project_id: GCE_PROJECT,
        private_key_id: 'first-hour',
        private_key: keys.privateKey,
        client_email: GCE_EMAIL,
        token_uri: gce.tokenUri,
      });
      const docker = await startDockerSim({ socketPath: join(dockerDir, 'docker.sock') });
      docker.engine.addImage('nginx:1.27');
      const web = docker.engine.createContainer({ name: 'shop-web', image: 'nginx:1.27' });
      docker.engine.start(web.id);
      // No key accepted yet: the test copies the organization's public key in, as a user would.
      const sshd = await startSshd({ host: SSH_ADDRESS, authorizedKeys: [] });
      const stack = await startStack({
        adminEmail: 'e2e-first-hour@example.com',
        env: {
          OVERCAST_POLL_MACHINES_SECONDS: '5',
          OVERCAST_MONITORING_INTERVAL_SECONDS: '10',
          OVERCAST_MONITORING_EVALUATE_SECONDS: '10',
        },
      });
      await use({ stack, digitalOcean, ec2, gce, docker, sshd, doToken: DO_TOKEN, gceServiceAccount });
      await stack.stop();
      await Promise.all([digitalOcean.close(), ec2.close(), gce.close(), docker.close(), sshd.stop()]);
      rmSync(dockerDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ world }, use) => use(world.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });

const rows = (page: Page) => page.locator('tbody tr[data-machine-id]');

/** Opens the Add cloud dialog on the Clouds page with a provider chosen and the cloud named. */
async function startAdding(page: Page, provider: string, title: string) {
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Add cloud' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a cloud' });
  await dialog.getByRole('radio', { name: provider }).check();
  await dialog.getByLabel('Name', { exact: true }).fill(title);
  return dialog;
}

/** Waits for the first sync the Connected dialog follows, then lists the cloud's machines from it. */
async function seeMachines(page: Page, title: string, expectedName: string): Promise<number> {
  const connected = page.getByRole('dialog', { name: `${title} is connected` });
  const found = connected.getByText(/^Found \d+ machines?/);
  // A first sync reads the catalog too; on a busy machine that takes a while.
  await expect(found).toBeVisible({ timeout: 60_000 });
  const count = Number(/Found (\d+)/.exec((await found.textContent()) ?? '')?.[1]);
  expect(count).toBeGreaterThan(0);
  await connected.getByRole('link', { name: 'View its machines' }).click();
  await expect(page).toHaveURL(/\/machines\?cloud=/);
  await expect(rows(page)).toHaveCount(count);
  await expect(
    rows(page).filter({ has: page.getByRole('link', { name: expectedName, exact: true }) }),
  ).toBeVisible();
  return count;
}

/** Money as the web app writes it, in the browser's own locale. */
const money = (page: Page, amount: string, currency = 'USD') =>
  page.evaluate(
    ([value, code]) =>
      new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(Number(value)),
    [amount, currency] as const,
  );

test('the first hour: every cloud added, a terminal, a script, a rule that fires, costs that agree', async ({
  page,
  world,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await mkdir(shots, { recursive: true });
  const { stack, sshd } = world;
  await logIn(page, stack.admin);
  await shot(page, '01-empty-dashboard');

  // Amazon EC2, DigitalOcean, Google Cloud and a Docker engine, each through the Add cloud form.
  await addAws(page, world.ec2.url, {
    accessKeyId: EC2_SIM_ACCESS_KEY_ID,
    secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY,
  });
  await page.getByRole('link', { name: 'AWS', exact: true }).click();
  await expect(rows(page).first()).toBeVisible();

  let dialog = await startAdding(page, 'DigitalOcean', 'DigitalOcean');
  await dialog.getByLabel('Personal access token').fill(world.doToken);
  await dialog.getByText('Advanced').click();
  await dialog.getByLabel('API endpoint').fill(world.digitalOcean.url);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await seeMachines(page, 'DigitalOcean', 'droplet-000000');

  dialog = await startAdding(page, 'Google Cloud', 'Google Cloud');
  await dialog.getByLabel('Service account key (JSON)').fill(world.gceServiceAccount);
  await dialog.getByText('Advanced').click();
  await dialog.getByLabel('API endpoint').fill(world.gce.url);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await seeMachines(page, 'Google Cloud', 'vm-000000');

  dialog = await startAdding(page, 'Docker', 'Shop engine');
  await dialog.getByLabel('Engine address (DOCKER_HOST)').fill(`unix://${world.docker.socketPath}`);
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await seeMachines(page, 'Shop engine', 'shop-web');

  // The organization's key, generated on the Keys page; its public half goes on the host.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
  await expect(page.getByText('No SSH keys yet')).toBeVisible();
  await page.getByRole('button', { name: 'Generate key' }).first().click();
  const generate = page.getByRole('dialog', { name: 'Generate an SSH key' });
  await generate.getByLabel('Name', { exact: true }).fill('team key');
  await expect(generate.getByLabel('Default key for machines without one of their own')).toBeChecked();
  await generate.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(generate).toBeHidden();
  const keyRow = page.locator('tbody tr', { hasText: 'team key' });
  await expect(keyRow.getByText('Default')).toBeVisible();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await keyRow.getByRole('button', { name: 'Copy public key of team key' }).click();
  const publicKey = await page.evaluate(() => navigator.clipboard.readText());
  expect(publicKey).toMatch(/^ssh-ed25519 \S+/);
  await appendFile(join(sshd.dir, 'authorized_keys'), `${publicKey.trim()}\n`);
  await shot(page, '02-keys');

  // The SSH host, logged in to with the default key the form offers.
  dialog = await startAdding(page, 'SSH hosts', SSH_CLOUD);
  await dialog
    .getByRole('textbox', { name: 'Hosts' })
    .fill(`${sshd.user}@${SSH_ADDRESS}:${sshd.port} ${SSH_HOST_NAME}`);
  await expect(dialog.getByLabel('Overcast key')).toHaveValue('');
  await expect(dialog.getByRole('figure', { name: 'Public key of team key' })).toContainText(
    publicKey.trim(),
  );
  await shot(page, '03-add-ssh-host');
  await dialog.getByRole('button', { name: 'Add cloud' }).click();
  await seeMachines(page, SSH_CLOUD, SSH_HOST_NAME);
  await expect(page.getByText('1 machine matches the filters')).toBeVisible();
  await shot(page, '04-ssh-host-machines');

  // Monitoring on for the host now, so samples are there by the time the rule is written.
  await rows(page).getByRole('link', { name: SSH_HOST_NAME, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: SSH_HOST_NAME })).toBeVisible();
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await metrics.getByRole('button', { name: 'Turn on monitoring' }).click();
  await expect(metrics.getByRole('button', { name: 'Turn off' })).toBeVisible();

  // A terminal on the host: the output, not the echo of what was typed.
  await page.getByRole('link', { name: 'Open terminal' }).click();
  const status = page.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected', { timeout: 20_000 });
  await expect(status).toContainText(sshd.hostKeyFingerprint);
  const screen = page.getByTestId('terminal');
  await screen.click();
  await page.keyboard.type('echo first-$((6*7))-hour');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('first-42-hour');
  await shot(page, '05-terminal');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await expect(status).toContainText('Closed');

  // A script, written and run on the host, with its output.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scripts' }).click();
  await page.getByRole('button', { name: 'New script' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('uptime check');
  await page
    .getByTestId('script-editor')
    .fill('#!/bin/sh\necho "up on $(hostname) as $(id -un): $((20+22))"\n');
  await page.getByRole('button', { name: 'Create script' }).click();
  await expect(page.getByText('Saved uptime check')).toBeVisible();
  await page.getByRole('button', { name: 'Run…' }).click();
  const run = page.getByRole('dialog', { name: 'Run uptime check' });
  await run.getByLabel('Find machines').fill(SSH_HOST_NAME);
  await run.getByLabel(new RegExp(SSH_HOST_NAME)).check();
  await run.getByRole('button', { name: /Run on 1 machine/ }).click();
  const running = page.getByRole('dialog', { name: 'Running uptime check' });
  await expect(running).toContainText('On 1 machine.');
  const target = running.locator(`[data-target="${SSH_HOST_NAME}"]`);
  await expect(target).toContainText(`as ${sshd.user}: 42`, { timeout: 20_000 });
  await expect(target).toContainText('succeeded');
  await shot(page, '06-script-run');
  await running.getByRole('button', { name: 'Close' }).first().click();

  // A rule on the host's metrics that holds at once (load is never below zero): it fires.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'New rule' }).first().click();
  const builder = page.getByRole('dialog', { name: 'New rule' });
  await builder.getByLabel('Name', { exact: true }).fill('lab load');
  await builder.getByLabel('Watch').selectOption({ label: 'Machines of a cloud' });
  await builder.getByLabel('Cloud').selectOption({ label: SSH_CLOUD });
  await builder.getByLabel('When').selectOption({ label: 'A metric crosses a threshold' });
  await builder.getByLabel('Metric').selectOption('load1');
  await builder.getByLabel('Aggregated as').selectOption('max');
  await builder.getByLabel('Over (minutes)').fill('1');
  await builder.getByLabel('Is', { exact: true }).selectOption('>=');
  await builder.getByLabel('Threshold').fill('0');
  await builder.getByLabel('Checks in a row').fill('1');
  await builder.getByRole('button', { name: 'Create rule' }).click();
  await expect(builder).toBeHidden();
  const rule = page.locator('tr', { hasText: 'lab load' });
  await expect(rule.getByText('1 open')).toBeVisible({ timeout: 90_000 });
  await shot(page, '07-rules');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
  await page.getByRole('link', { name: 'lab load' }).first().click();
  await expect(page.getByText(`lab load fired on ${SSH_HOST_NAME}`)).toBeVisible();
  await shot(page, '08-incident');

  // The Dashboard's money is the API's: the monthly total, its parts, and each cloud's share.
  await expect(async () => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.locator('[data-skeleton]')).toHaveCount(0, { timeout: 5_000 });
    const answer = await page.request.get('/api/v1/costs/summary');
    expect(answer.status()).toBe(200);
    const summary = (await answer.json()) as {
      currency: string;
      totalMonthly: string;
      machinesMonthly: string;
      volumesMonthly: string;
      byCloud: { cloudId: string; title: string; monthly: string }[];
    };
    expect(Number(summary.totalMonthly)).toBeGreaterThan(0);
    const stat = page.getByText('Monthly cost', { exact: true }).locator('xpath=..');
    await expect(stat).toContainText(await money(page, summary.totalMonthly, summary.currency), {
      timeout: 1_000,
    });
    await expect(stat).toContainText(
      `${await money(page, summary.machinesMonthly, summary.currency)} machines`,
      {
        timeout: 1_000,
      },
    );
    await expect(stat).toContainText(
      `${await money(page, summary.volumesMonthly, summary.currency)} volumes`,
      {
        timeout: 1_000,
      },
    );
    expect(summary.byCloud.length).toBeGreaterThan(0);
    const byCloud = page.getByRole('region', { name: 'Cost by cloud' });
    for (const cloud of summary.byCloud) {
      const bar = byCloud
        .getByRole('listitem')
        .filter({ has: page.locator(`a[href="/machines?cloud=${cloud.cloudId}"]`) });
      await expect(bar).toContainText(cloud.title, { timeout: 1_000 });
      await expect(bar).toContainText(await money(page, cloud.monthly, summary.currency), { timeout: 1_000 });
    }
  }).toPass({ timeout: 30_000 });
  await shot(page, '09-dashboard');

  // The Clouds page: each cloud's monthly cost and machine count as GET /clouds gives them.
  await page.goto('/clouds');
  const answer = await page.request.get('/api/v1/clouds');
  expect(answer.status()).toBe(200);
  const clouds = (
    (await answer.json()) as {
      items: { id: string; title: string; machineCount: number; monthlyCost: string }[];
    }
  ).items;
  expect(clouds.map((c) => c.title).sort()).toEqual(
    ['AWS', 'DigitalOcean', 'Google Cloud', SSH_CLOUD, 'Shop engine'].sort(),
  );
  for (const cloud of clouds) {
    const group = page.locator(`tbody[data-cloud-id="${cloud.id}"]`);
    await expect(group.getByRole('link', { name: cloud.title, exact: true })).toBeVisible();
    const cells = group.locator('td');
    await expect(cells.nth(3)).toHaveText(String(cloud.machineCount));
    await expect(cells.nth(4)).toHaveText(await money(page, cloud.monthlyCost));
  }
  await shot(page, '10-clouds');
});

/** The document is no wider than a 390 px phone. */
async function expectFitsPhone(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect.soft(width, `${what} is ${width} px wide at 390 px`).toBeLessThanOrEqual(390);
}

test('the same first hour on a 390 px phone in dark mode: each step’s page fits and works', async ({
  page,
  world,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/login');
  await submitLogin(page, world.stack.admin);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.locator('[data-skeleton]')).toHaveCount(0);
  await expectFitsPhone(page, 'Dashboard');
  await shot(page, 'phone-01-dashboard');

  const steps: [string, string, string][] = [
    ['phone-02-clouds', '/clouds', 'Clouds'],
    ['phone-03-keys', '/keys', 'Keys'],
    ['phone-04-machines', `/machines?q=${SSH_HOST_NAME}`, 'Machines'],
    ['phone-07-scripts', '/scripts', 'Scripts'],
    ['phone-08-rules', '/rules', 'Rules'],
    ['phone-09-incidents', '/incidents', 'Incidents'],
  ];
  for (const [name, path, heading] of steps) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.locator('[data-skeleton]')).toHaveCount(0);
    await expectFitsPhone(page, heading);
    await shot(page, name);
  }

  // The Add cloud form for SSH hosts, with the default key's public half to copy.
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Add cloud' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add a cloud' });
  await add.getByRole('radio', { name: 'SSH hosts' }).check();
  await expect(add.getByRole('figure', { name: 'Public key of team key' })).toBeVisible();
  await expectFitsPhone(page, 'Add cloud');
  await shot(page, 'phone-03-add-ssh-host');
  await page.keyboard.press('Escape');

  // The host's page, its terminal with a command's output, and the incident.
  await page.goto(`/machines?q=${SSH_HOST_NAME}`);
  await page.getByRole('link', { name: SSH_HOST_NAME, exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: SSH_HOST_NAME })).toBeVisible();
  await expectFitsPhone(page, 'Machine');
  // Minutes of polls every 5 s: a host that did not change has no string of "Details updated".
  const history = page.getByRole('region', { name: 'History' });
  await expect(history.getByText('First seen by Overcast')).toBeVisible();
  expect(await history.getByText('Details updated').count()).toBeLessThanOrEqual(1);
  await shot(page, 'phone-05-machine');
  await page.getByRole('link', { name: 'Open terminal' }).click();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected', {
    timeout: 20_000,
  });
  const screen = page.getByTestId('terminal');
  await screen.click();
  await page.keyboard.type('echo phone-$((6*7))');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('phone-42');
  // The screen keeps the size of the phone's window instead of growing row by row.
  const box = await screen.boundingBox();
  expect(box?.height ?? 0).toBeLessThan(844);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectFitsPhone(page, 'Terminal');
  await shot(page, 'phone-06-terminal');
  await page.getByRole('button', { name: 'Disconnect' }).click();

  await page.goto('/incidents');
  await page.getByRole('link', { name: 'lab load' }).first().click();
  await expect(page.getByText(`lab load fired on ${SSH_HOST_NAME}`)).toBeVisible();
  await expectFitsPhone(page, 'Incident');
  await shot(page, 'phone-10-incident');
});
