import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { test as base, expect } from '@playwright/test';
import pg from 'pg';
import { type SshdHandle, startSshd } from '../test/support/sshd';
import { logIn } from './support/login';
import { paths } from './support/paths';
import { type Stack, startStack } from './support/stack';

// A real sshd on the loopback interface and a machine row pointing at it: the key is
// imported and associated through the UI, a command runs in the browser terminal, and
// the session's recording is listed and replayed afterwards.

interface SshWorld {
  stack: Stack;
  sshd: SshdHandle;
  key: KeyPair;
  machineId: string;
}

const test = base.extend<object, { sshWorld: SshWorld }>({
  sshWorld: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const key = await generateKeyPair({ type: 'ed25519', comment: 'overcast-e2e' });
      const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      const stack = await startStack({ adminEmail: 'e2e-terminal@example.com' });
      const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
      await db.connect();
      let machineId = '';
      try {
        const org = await db.query<{ id: string }>('SELECT id FROM organizations LIMIT 1');
        const organizationId = org.rows[0]?.id;
        // Disabled, so no poller touches it: the machine row is all the terminal needs.
        const cloud = await db.query<{ id: string }>(
          `INSERT INTO clouds (organization_id, provider, title, credentials, enabled, poll_status)
           VALUES ($1, 'digitalocean', 'Lab hosts', '\\x00', false, 'ok') RETURNING id`,
          [organizationId],
        );
        const machine = await db.query<{ id: string }>(
          `INSERT INTO machines (organization_id, cloud_id, external_id, name, state, raw_state, public_ips)
           VALUES ($1, $2, 'lab-1', 'lab-box', 'running', 'running', ARRAY['127.0.0.1']) RETURNING id`,
          [organizationId, cloud.rows[0]?.id],
        );
        machineId = machine.rows[0]?.id ?? '';
      } finally {
        await db.end();
      }
      await use({ stack, sshd, key, machineId });
      await stack.stop();
      await sshd.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ sshWorld }, use) => use(sshWorld.stack.baseURL),
});

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

test('a key imported on the Keys page opens a terminal on the machine, and the session is recorded', async ({
  page,
  sshWorld,
}) => {
  test.setTimeout(90_000);
  const { sshd, key, machineId, stack } = sshWorld;
  await logIn(page, stack.admin);

  // Import the key the test sshd accepts.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
  await expect(page.getByText('No SSH keys yet')).toBeVisible();
  await page.getByRole('button', { name: 'Import key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import an SSH key' });
  await dialog.getByLabel('Name', { exact: true }).fill('lab key');
  await dialog.getByLabel('Private key').fill('not a key');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByLabel('Private key').fill(key.privateKey);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog).toBeHidden();
  const keyRow = page.locator('tbody tr', { hasText: 'lab key' });
  await expect(keyRow).toContainText(key.fingerprint);
  await expect(keyRow.getByText('Default')).toBeVisible();
  // Its public half is shown, ready for authorized_keys, with a labelled copy button.
  await expect(keyRow.getByRole('figure', { name: 'Public key of lab key' })).toContainText(
    key.publicKey.trim(),
  );
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await keyRow.getByRole('button', { name: 'Copy public key of lab key' }).click();
  await expect(keyRow.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.publicKey);

  // At phone width and in dark mode: the key's public half, and the SSH-hosts form offering it.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await mkdir(paths.artifacts, { recursive: true });
  await page.screenshot({ path: join(paths.artifacts, 'keys-390-dark.png'), fullPage: true });
  await page.goto('/clouds');
  await page.getByRole('button', { name: 'Add cloud' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add a cloud' });
  await add.getByRole('radio', { name: 'SSH hosts' }).check();
  await expect(add.getByLabel('Overcast key')).toHaveValue('');
  const offered = add.getByRole('figure', { name: 'Public key of lab key' });
  await expect(offered).toContainText(key.publicKey.trim());
  await offered.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(paths.artifacts, 'add-ssh-hosts-390-dark.png') });
  const box = await offered.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });

  // Associate it with the machine, with the sshd's user and port.
  await page.goto(`/machines/${machineId}`);
  const form = page.getByRole('form', { name: 'SSH settings' });
  await form.getByLabel('Key').selectOption({ label: 'lab key' });
  await form.getByLabel('User').fill(sshd.user);
  await form.getByLabel('Port').fill(String(sshd.port));
  await form.getByRole('button', { name: 'Save SSH settings' }).click();
  await expect(page.getByText('SSH settings saved')).toBeVisible();
  // The Connect line dials what Overcast dials: the port and user just set.
  await expect(page.getByText(`ssh -p ${sshd.port} ${sshd.user}@127.0.0.1`)).toBeVisible();
  await expect(page.getByText(`reached at 127.0.0.1:${sshd.port} as ${sshd.user}`)).toBeVisible();

  // Open the terminal and run a command whose output differs from what was typed.
  await page.getByRole('link', { name: 'Open terminal' }).click();
  await expect(page).toHaveURL(new RegExp(`/machines/${machineId}/terminal$`));
  const status = page.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected', { timeout: 20_000 });
  await expect(status).toContainText(sshd.hostKeyFingerprint);
  const screen = page.getByTestId('terminal');
  await screen.click();
  await page.keyboard.type('echo overcast-$((6*7))');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('overcast-42');
  await mkdir(paths.artifacts, { recursive: true });
  await page.screenshot({ path: join(paths.artifacts, 'terminal.png') });

  // Closing ends the session; its recording is listed on the machine and replays the output.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await expect(status).toContainText('Closed');
  await page.getByRole('link', { name: 'lab-box' }).click();
  const sessions = page.getByRole('list', { name: 'Terminal sessions' });
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(sessions.getByRole('listitem').first()).toContainText('You');
  await sessions.getByRole('link', { name: 'Replay' }).click();
  await page.getByRole('button', { name: 'Skip to end' }).click();
  await expect(page.getByTestId('replay')).toContainText('overcast-42');

  // A key in use is not deleted by accident: the refusal names the machine, and only a
  // confirmed "Delete anyway" detaches and deletes it.
  await page.goto('/keys');
  await page.getByRole('button', { name: 'More actions for lab key' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete lab key?' });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(confirm.getByRole('alert')).toContainText('lab-box');
  await expect(confirm.getByRole('button', { name: 'Delete anyway' })).toBeDisabled();
  await confirm.getByLabel('Detach it from those machines and delete it').check();
  await confirm.getByRole('button', { name: 'Delete anyway' }).click();
  await expect(page.getByText('No SSH keys yet')).toBeVisible();
});

test('without a key the terminal asks for a password; a changed host key is refused until an admin accepts it', async ({
  page,
  sshWorld,
}) => {
  test.setTimeout(90_000);
  const { sshd, machineId, stack } = sshWorld;
  await logIn(page, stack.admin);
  // The key was deleted above: nothing to log in with but a password, which this sshd refuses.
  await page.goto(`/machines/${machineId}/terminal`);
  const password = page.getByLabel('Password');
  await expect(page.getByText('The machine asks for a password')).toBeVisible({ timeout: 20_000 });
  await password.fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(/refused the password/)).toBeVisible({ timeout: 20_000 });

  // The machine comes back with another host key: the pinned one no longer matches.
  const pinned = sshd.hostKeyFingerprint;
  const presented = await sshd.restartWithNewHostKey();
  await page.reload();
  await expect(page.getByText('The machine asks for a password')).toBeVisible({ timeout: 20_000 });
  await password.fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  const warning = page.getByRole('alert').filter({ hasText: "The machine's host key has changed" });
  await expect(warning).toBeVisible({ timeout: 20_000 });
  await expect(warning).toContainText(pinned);
  await expect(warning).toContainText(presented);

  // Accepting pins the presented key; the next attempt gets past the host key to the login.
  await warning.getByRole('button', { name: 'Accept new key' }).click();
  await expect(warning).toBeHidden({ timeout: 20_000 });
  const status = page.getByRole('status', { name: 'Connection' });
  // The reconnection asks for the password again, or is refused with the one given. The prompt
  // may come a moment after the warning goes: answer it whenever it is there, until refused.
  const refused = page.getByText(/refused the password/);
  await expect(async () => {
    if (await password.isVisible()) {
      await password.fill('not-the-password');
      await page.getByRole('button', { name: 'Log in' }).click();
    }
    await expect(refused).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText("The machine's host key has changed")).toBeHidden();
  await expect(status).not.toContainText(pinned);
});
