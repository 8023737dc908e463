import {
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  type Ec2Sim,
  startEc2Sim,
} from '@overcast/cloud-sim';
import { test as base, expect } from '@playwright/test';
import { startVnc, type VncHandle } from '../test/support/vnc';
import { addAws } from './support/clouds';
import { logIn } from './support/login';
import { type Stack, startStack } from './support/stack';

// Consoles in the browser: a libvirt test-driver domain whose VNC display is a real Xvnc on
// loopback, opened in noVNC through the api's WebSocket relay; and an EC2 machine's serial log.

interface ConsoleWorld {
  stack: Stack;
  vnc: VncHandle;
  ec2: Ec2Sim;
}

const test = base.extend<object, { consoleWorld: ConsoleWorld }>({
  consoleWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const vnc = await startVnc({ name: 'desk-1' });
      const ec2 = await startEc2Sim({
        seed: { machines: 2, seed: 5 },
        regions: ['us-east-1'],
        transitionMs: 0,
      });
      const stack = await startStack({ adminEmail: 'e2e-console@example.com' });
      await use({ stack, vnc, ec2 });
      await stack.stop();
      await ec2.close();
      await vnc.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ consoleWorld }, use) => use(consoleWorld.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });

test("a libvirt machine's console shows its screen through noVNC", async ({ page, consoleWorld }) => {
  test.setTimeout(120_000);
  const { stack, vnc } = consoleWorld;
  await logIn(page, stack.admin);
  const added = await page.request.post('/api/v1/clouds', {
    data: { provider: 'libvirt', title: 'Lab', credentials: {}, config: { uri: vnc.libvirtUri } },
  });
  expect(added.status(), await added.text()).toBe(201);

  await page.goto('/machines');
  await page.getByRole('link', { name: 'desk-1' }).first().click({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Open console' }).click();
  await expect(page.getByRole('heading', { name: 'Console · desk-1' })).toBeVisible();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-console-state', 'connected', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('vnc-screen').locator('canvas')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ctrl-Alt-Del' })).toBeEnabled();
});

test("an EC2 machine's console shows its serial log", async ({ page, consoleWorld }) => {
  test.setTimeout(120_000);
  const { stack, ec2 } = consoleWorld;
  await logIn(page, stack.admin);
  await addAws(page, ec2.url, {
    accessKeyId: EC2_SIM_ACCESS_KEY_ID,
    secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY,
  });
  const running = [...ec2.state.instances.values()].find((i) => i.state === 'running')!;
  const name = running.tags.get('Name') ?? running.id;

  await page.goto('/machines');
  await page.getByRole('link', { name, exact: true }).first().click({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Open console' }).click();
  await expect(page.getByRole('status', { name: 'Serial console' })).toHaveAttribute(
    'data-state',
    'connected',
    {
      timeout: 30_000,
    },
  );
  await expect(page.getByTestId('serial-screen')).toContainText(`${running.id} login:`, { timeout: 30_000 });
});

test('a phone-sized, dark console page keeps its controls in reach', async ({ page, consoleWorld }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await logIn(page, consoleWorld.stack.admin);
  await page.goto('/machines');
  await page.getByRole('link', { name: 'desk-1' }).first().click({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Open console' }).click();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-console-state', 'connected', {
    timeout: 30_000,
  });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await expect(page.getByRole('button', { name: 'Full screen' })).toBeInViewport();
});
