import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { HOSTILE } from '../test/hostile';
import { connectSsh, type SshConnection } from './connection';
import { SshError } from './errors';
import { generateKeyPair } from './keys';
import type { OutputChunk } from './process';
import { commandLine } from './quote';

let sshd: SshdHandle;
let conn: SshConnection;
let privateKey: string;

beforeAll(async () => {
  const key = await generateKeyPair();
  privateKey = key.privateKey;
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  conn = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey });
});
afterAll(async () => {
  await conn?.close();
  await sshd?.stop();
});

/** Processes on this machine whose command line contains `marker`. */
async function running(marker: string): Promise<string[]> {
  const { stdout } = await conn.exec(commandLine(['ps', '-eo', 'pid=,args=']));
  return stdout.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

describe('exec', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const result = await conn.exec('echo out; echo err >&2; exit 7');
    expect(result).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 7,
      signal: null,
      timedOut: false,
      truncated: false,
    });
  });

  it('feeds stdin (string, buffer or stream) and EOF without it', async () => {
    expect((await conn.exec('cat', { stdin: 'line 1\nline 2\n' })).stdout).toBe('line 1\nline 2\n');
    expect((await conn.exec('wc -c', { stdin: Buffer.alloc(100_000, 1) })).stdout.trim()).toBe('100000');
    expect((await conn.exec('cat', { stdin: Readable.from(['a', 'b', 'c']) })).stdout).toBe('abc');
    expect((await conn.exec('cat; echo done')).stdout).toBe('done\n');
  });

  it('passes env values verbatim, however hostile', async () => {
    const value = HOSTILE.join('|');
    const result = await conn.exec('printf %s "$OVERCAST_TEST"', { env: { OVERCAST_TEST: value } });
    expect(result.stdout).toBe(value);
    await expect(conn.exec('true', { env: { 'BAD NAME': 'x' } })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('delivers quoted arguments to the remote program unchanged', async () => {
    const args = HOSTILE.filter((a) => a !== '');
    const result = await conn.exec(commandLine(['printf', '%s\\0', ...args]));
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('kills the remote command and its children on timeout', async () => {
    const marker = `overcast-timeout-${Date.now()}`;
    const started = Date.now();
    const result = await conn.exec(`sh -c 'sleep 300; : ${marker}' & sleep 301; echo finished`, {
      timeoutMs: 300,
      killGraceMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).not.toContain('finished');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => running(marker), { timeout: 3_000 }).toEqual([]);
    await expect.poll(() => running('sleep 301'), { timeout: 3_000 }).toEqual([]);
  });

  it('escalates to KILL when TERM is ignored', async () => {
    const marker = `overcast-stubborn-${Date.now()}`;
    const result = await conn.exec(`trap '' TERM; while :; do sleep 1; done; : ${marker}`, {
      timeoutMs: 200,
      killGraceMs: 300,
    });
    expect(result.timedOut).toBe(true);
    await expect.poll(() => running(marker), { timeout: 5_000 }).toEqual([]);
  });

  it('kills and rejects with the reason when aborted', async () => {
    const marker = `overcast-abort-${Date.now()}`;
    const controller = new AbortController();
    const pending = conn.exec(`sleep 302; : ${marker}`, { signal: controller.signal });
    await expect.poll(() => running(marker)).not.toEqual([]);
    controller.abort(new Error('cancelled by user'));
    await expect(pending).rejects.toThrow('cancelled by user');
    await expect.poll(() => running(marker), { timeout: 3_000 }).toEqual([]);
  });

  it('caps buffered output', async () => {
    const result = await conn.exec('head -c 50000 /dev/zero', { maxOutputBytes: 1000 });
    expect(result.stdout.length).toBe(1000);
    expect(result.truncated).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  it('runs several commands at once on one connection', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => conn.exec(`echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('rejects with closed when the connection dies under a command', async () => {
    const own = await connectSsh({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey });
    // $PPID is this session's sshd process: killing it drops the connection.
    const err = await own.exec('sleep 0.2; kill -9 $PPID; sleep 5').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as SshError).kind).toBe('closed');
    expect(own.closed).toBe(true);
    await expect(own.exec('true')).rejects.toMatchObject({ kind: 'closed' });
  });
});

describe('spawn', () => {
  it('streams output live, both streams in order', async () => {
    const proc = await conn.spawn('for i in 1 2 3; do echo "out $i"; echo "err $i" >&2; sleep 0.05; done');
    proc.stdin.end();
    const chunks: OutputChunk[] = [];
    for await (const chunk of proc.output()) chunks.push(chunk);
    const text = (stream: string) =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.data.toString())
        .join('');
    expect(text('stdout')).toBe('out 1\nout 2\nout 3\n');
    expect(text('stderr')).toBe('err 1\nerr 2\nerr 3\n');
    expect(chunks[0]?.stream).toBe('stdout');
    expect(await proc.exit).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('can be killed by the caller', async () => {
    const proc = await conn.spawn('echo ready; sleep 303');
    proc.stdin.end();
    proc.stderr.resume();
    const first = await new Promise<string>((resolve) =>
      proc.stdout.once('data', (d: Buffer) => resolve(String(d))),
    );
    expect(first).toBe('ready\n');
    proc.stdout.resume();
    proc.kill();
    const exit = await proc.exit;
    expect(exit.signal).toBe('SIGTERM');
    expect(exit.exitCode).toBeNull();
  });
});
