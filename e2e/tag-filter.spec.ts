import { addAws } from './support/clouds';
import { logIn } from './support/login';
import { expect, test } from './support/world';

// Tags read key=value wherever they show, and the Machines tag box filters as you type, like
// the search box beside it.
test('typing env=dev in the tag box filters the machines without pressing Enter', async ({ page, world }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, world.stack.admin);
  await addAws(page, world.ec2.url, world.ec2Keys);
  await page.goto('/machines');
  const rows = page.locator('tbody tr[data-machine-id]');
  await expect(rows.first()).toBeVisible();

  const tagged = [...world.ec2.state.instances.values()].filter(
    (i) => i.state !== 'terminated' && i.tags.get('env') === 'dev',
  );
  expect(tagged.length).toBeGreaterThan(0);
  await page.getByPlaceholder('Tag: key or key=value').pressSequentially('env=dev');
  await expect(page).toHaveURL(/tag=env%3Ddev/);
  await expect(rows).toHaveCount(tagged.length);
  // The tags column shows the syntax the box takes.
  for (const text of await rows.locator('td').allTextContents()) expect(text).not.toMatch(/\benv: /);
  await expect(rows.first()).toContainText('env=dev');
});
