import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import pg from 'pg';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// A schedule and a rule the platform turned off because the person they act for lost the right:
// their pages say why, on a phone-sized screen in dark mode.

const REASON =
  'Not allowed: ann@example.com may no longer start, stop or reboot any machine it targets, so it was turned off. Enable it again to make it act for you.';

const test = base.extend<object, { stack: Stack }>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const stack = await startStack({ adminEmail: 'e2e-turned-off@example.com' });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      try {
        const org = (await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1')).rows[0]!.id;
        await db.query(
          `INSERT INTO schedules (organization_id, name, trigger_kind, interval_seconds, target, action, enabled, disabled_reason)
           VALUES ($1, 'nightly reboot', 'interval', 3600, '{"tags":{"env":"prod"}}', 'reboot', false, $2)`,
          [org, REASON],
        );
        await db.query(
          `INSERT INTO rules (organization_id, name, enabled, target, condition, actions, disabled_reason)
           VALUES ($1, 'reboot stuck', false, '{"kind":"all"}', '{"kind":"state","states":["stopped"],"forSeconds":0}',
                   '[{"kind":"machine_action","action":"reboot"}]', $2)`,
          [org, REASON],
        );
      } finally {
        await db.end();
      }
      await use(stack);
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ stack }, use) => use(stack.baseURL),
});

test.use({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });

test('a schedule and a rule turned off for lost rights say why, at 390 px in dark mode', async ({
  page,
  stack,
}) => {
  await logIn(page, stack.admin);
  await mkdir(paths.artifacts, { recursive: true });
  for (const [path, name] of [
    ['/schedules', 'schedules-turned-off'],
    ['/rules', 'rules-turned-off'],
  ] as const) {
    await page.goto(path);
    const note = page.getByRole('note').filter({ hasText: 'ann@example.com may no longer' });
    await expect(note).toBeVisible();
    // The reason wraps inside the screen rather than running off it.
    const box = (await note.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    const color = await note.evaluate((el) => getComputedStyle(el).color);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(color).not.toBe(background);
    await page.screenshot({ path: join(paths.artifacts, `${name}.png`), fullPage: true });
  }
});
