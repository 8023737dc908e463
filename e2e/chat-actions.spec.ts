import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { test as base, expect } from '@playwright/test';
import { logIn, submitLogin } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// The production api and worker: a Slack channel added in the UI gets a rule's incident message
// with Block Kit buttons; its Reboot button, opened on a phone by someone not logged in, asks them
// to log in, shows what will happen, and reboots the droplet on the DigitalOcean emulator once
// they confirm.

interface ChatWorld {
  stack: Stack;
  sim: DigitalOceanSim;
  slack: Server;
  slackUrl: string;
  messages: Record<string, unknown>[];
}

const DO_TOKEN = 'do-token-e2e-chat';

const test = base.extend<object, { world: ChatWorld }>({
  world: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const messages: Record<string, unknown>[] = [];
      const slack = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        req.on('end', () => {
          messages.push(JSON.parse(body));
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => slack.listen(0, '127.0.0.1', () => r()));
      const sim = await startDigitalOceanSim({
        accounts: [{ token: DO_TOKEN, droplets: 1, namePrefix: 'chat' }],
        bootDelayMs: 0,
        actionDelayMs: 0,
      });
      const stack = await startStack({
        adminEmail: 'e2e-chat@example.com',
        env: { OVERCAST_MONITORING_EVALUATE_SECONDS: '10' },
      });
      const slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T0/B0/secret`;
      await use({ stack, sim, slack, slackUrl, messages });
      await stack.stop();
      await sim.close();
      await new Promise((r) => slack.close(() => r(null)));
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ world }, use) => use(world.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });

test('a Reboot button from Slack asks for a login, says what it will do, and reboots once confirmed', async ({
  page,
  browser,
  world,
}) => {
  test.setTimeout(120_000);
  const { stack, sim, slackUrl, messages } = world;
  await mkdir(paths.artifacts, { recursive: true });
  await logIn(page, stack.admin);

  const cloud = await page.request.post('/api/v1/clouds', {
    data: { provider: 'digitalocean', title: 'DO', credentials: { token: DO_TOKEN }, endpoint: sim.url },
  });
  expect(cloud.status()).toBe(201);
  const cloudId = (await cloud.json()).id as string;

  // The Slack channel, through the form on the Rules page.
  await page.goto('/rules');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a chat channel' });
  await dialog.getByLabel('Platform').selectOption('slack');
  await dialog.getByLabel('Name').fill('On-call');
  await dialog.getByLabel('Incoming webhook URL').fill(slackUrl);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator('tr', { hasText: 'On-call' });
  await expect(row).toContainText('Slack');
  await expect(row).not.toContainText('secret');
  await row.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByText('A test message was sent through "On-call".')).toBeVisible();

  // A rule that holds for any droplet that costs something, posting to chat.
  const rule = await page.request.post('/api/v1/rules', {
    data: {
      name: 'costly',
      target: { kind: 'cloud', cloudIds: [cloudId] },
      condition: { kind: 'cost', scope: 'machine', threshold: 0 },
      actions: [{ kind: 'chat' }],
    },
  });
  expect(rule.status()).toBe(201);
  type Button = { action_id: string; url: string };
  const buttons = async (): Promise<Button[]> => {
    for (const m of messages) {
      const blocks = (m.blocks ?? []) as { type: string; elements?: Button[] }[];
      const actions = blocks.find((b) => b.type === 'actions');
      if (actions?.elements) return actions.elements;
    }
    return [];
  };
  await expect.poll(async () => (await buttons()).length, { timeout: 60_000 }).toBe(3);
  const reboot = (await buttons()).find((b) => b.action_id === 'overcast_reboot')!;
  const path = new URL(reboot.url).pathname;
  expect(path).toMatch(/^\/act\/v1\./);

  // Opened on a phone, in dark mode, by someone not logged in yet.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  const tab = await phone.newPage();
  await tab.goto(path);
  await expect(tab).toHaveURL(/\/login\?next=/);
  await submitLogin(tab, stack.admin);
  await expect(tab).toHaveURL(new RegExp(`${path.replaceAll('.', '\\.')}$`));
  const droplet = [...sim.account(DO_TOKEN).droplets.values()][0]!;
  const title = `Reboot ${droplet.name}`;
  await expect(tab.getByRole('heading', { name: title })).toBeVisible();
  await expect(tab.getByText('costly')).toBeVisible();
  await expect(tab.getByText(`as ${stack.admin.email}`)).toBeVisible();
  const width = await tab.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await tab.screenshot({ path: join(paths.artifacts, 'act-reboot-phone-dark.png'), fullPage: true });

  const reboots = () => [...sim.account(DO_TOKEN).actions.values()].filter((a) => a.type === 'reboot').length;
  expect(reboots()).toBe(0);
  await tab.getByRole('button', { name: 'Reboot', exact: true }).click();
  await expect(tab.getByText(`${droplet.name}: reboot requested.`)).toBeVisible();
  expect(reboots()).toBe(1);

  // The same button again: refused, and nothing more happens.
  await tab.goto(path);
  await expect(tab.getByText('This action link was used already')).toBeVisible();
  expect(reboots()).toBe(1);
  await phone.close();
});
