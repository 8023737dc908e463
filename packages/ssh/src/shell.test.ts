import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { connectSsh, type SshConnection } from './connection';
import { generateKeyPair } from './keys';
import type { ShellStream } from './shell';

let sshd: SshdHandle;
let conn: SshConnection;

beforeAll(async () => {
  const key = await generateKeyPair();
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  conn = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: key.privateKey,
  });
});
afterAll(async () => {
  await conn?.close();
  await sshd?.stop();
});

/** Collects the terminal's output and waits for a pattern to appear. */
function screen(shell: ShellStream) {
  let text = '';
  shell.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return {
    text: () => text,
    waitFor: (pattern: RegExp) => expect.poll(() => text, { timeout: 5_000 }).toMatch(pattern),
  };
}

describe('shell', () => {
  it('runs an interactive shell on a terminal of the asked size, and resizes', async () => {
    const shell = await conn.shell({ cols: 100, rows: 30, term: 'xterm-256color' });
    const out = screen(shell);
    shell.write('stty size; echo "term=$TERM"\n');
    await out.waitFor(/30 100/);
    await out.waitFor(/term=xterm-256color/);
    shell.resize(132, 43);
    shell.write('stty size\n');
    await out.waitFor(/43 132/);
    shell.write('exit 3\n');
    expect(await shell.exit).toEqual({ exitCode: 3, signal: null });
  });

  it('closes the session when destroyed', async () => {
    const shell = await conn.shell();
    const out = screen(shell);
    shell.write('echo "$((6 * 7))"\n');
    await out.waitFor(/42/);
    shell.destroy();
    await shell.exit;
    // The connection itself stays usable.
    expect((await conn.exec('echo still here')).stdout).toBe('still here\n');
  });
});
