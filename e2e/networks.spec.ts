import type { Page } from '@playwright/test';
import { addAws } from './support/clouds';
import { logIn } from './support/login';
import { expect, isolatedTest } from './support/world';

const test = isolatedTest();

// Networks and firewalls of an EC2 account on a stack of its own: the default VPC is listed, a
// rule opening SSH to the whole internet is questioned, confirmed, and its machines then show
// on the dashboard as reachable from the internet on port 22.
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page, world }) => {
  await logIn(page, world.stack.admin);
});

/** The us-east-1 default security group and the names of the live machines behind it. */
function usEast(world: Parameters<Parameters<typeof test>[2]>[0]['world']) {
  const region = world.ec2.state.regions.get('us-east-1')!;
  const names = [...world.ec2.state.instances.values()]
    .filter((i) => i.region === 'us-east-1' && i.state !== 'terminated')
    .map((i) => i.tags.get('Name') ?? i.id);
  return { vpcId: region.vpcId, groupId: region.defaultSecurityGroup.id, names };
}

async function expectFits(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

test('a VPC is listed, SSH opened to the world is confirmed and shows on the dashboard', async ({
  page,
  world,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const { vpcId, groupId, names } = usEast(world);
  expect(names.length).toBeGreaterThan(0);
  await addAws(page, world.ec2.url, world.ec2Keys);

  // Before any rule, the dashboard says no machine is exposed.
  await page.goto('/');
  const card = page.getByRole('region', { name: 'Reachable from the internet on port 22' });
  await expect(card.getByText('None of them has it')).toBeVisible({ timeout: 30_000 });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Networks' }).click();
  const vpc = page.locator(`tr[data-network="${vpcId}"]`);
  // The networks poll runs after the cloud is added; the live stream brings what it stored.
  await expect(vpc).toBeVisible({ timeout: 45_000 });
  await expect(vpc).toContainText('172.31.0.0/16');
  await expect(vpc).toContainText('us-east-1');
  await expect(vpc.getByRole('cell', { name: String(names.length), exact: true })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Firewalls' }).click();
  const firewall = page.locator('section', { has: page.locator(`[data-firewall="${groupId}"]`) });
  await expect(firewall.getByRole('table', { name: 'Rules of default' })).toContainText('0.0.0.0/0');
  await firewall.getByLabel('Ports').fill('22');
  await firewall.getByLabel('From').fill('0.0.0.0/0');
  await firewall.getByRole('button', { name: 'Add rule' }).click();

  const confirm = page.getByRole('dialog', { name: 'Open this to the whole internet?' });
  await expect(confirm).toContainText('reach SSH on port 22');
  expect(world.ec2.state.regions.get('us-east-1')!.net.groups.get(groupId)!.ingress).toEqual([]);
  await confirm.getByRole('button', { name: 'Add anyway' }).click();
  await expect(confirm).toBeHidden({ timeout: 30_000 });
  await expect(firewall.getByRole('alert')).toContainText('anyone on the internet (0.0.0.0/0) reach SSH');
  expect(world.ec2.state.regions.get('us-east-1')!.net.groups.get(groupId)!.ingress).toEqual([
    { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', ipv6: false },
  ]);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const exposed = card.getByRole('list', { name: 'Machines reachable from the internet on port 22' });
  for (const name of names) await expect(exposed.getByRole('link', { name, exact: true })).toBeVisible();
  await expect(exposed.getByRole('listitem')).toHaveCount(names.length);
});

test('Networks and Firewalls fit a 390 px phone in dark mode', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/networks', '/firewalls', '/']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('progressbar')).toHaveCount(0);
    await expectFits(page);
    await page.screenshot({
      path: `test-results/networks-390-dark${path.replace('/', '-')}.png`,
      fullPage: true,
    });
  }
});
