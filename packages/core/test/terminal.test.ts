import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '@overcast/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { openPrivateKey, sealPrivateKey } from '../src/keys';
import { CastRecorder, parseCast, recordingsDir } from '../src/terminal';

const dir = mkdtempSync(join(tmpdir(), 'overcast-cast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('asciicast recorder', () => {
  it('writes a v2 header and output events whose text joins back to the exact bytes', async () => {
    const path = join(dir, 'org', 'a.cast');
    const rec = await CastRecorder.open(path, {
      cols: 120,
      rows: 40,
      term: 'xterm-256color',
      title: 'me@box',
    });
    const bytes = Buffer.from('héllo → wörld ✓ \u001b[1mbold\u001b[0m\r\n', 'utf8');
    // Split inside multi-byte characters on purpose.
    for (let i = 0; i < bytes.length; i += 3) rec.output(bytes.subarray(i, i + 3));
    rec.resize(100, 30);
    await rec.close();
    const text = readFileSync(path, 'utf8');
    const cast = parseCast(text);
    expect(cast.header).toMatchObject({ version: 2, width: 120, height: 40, title: 'me@box' });
    expect(cast.header.env).toEqual({ TERM: 'xterm-256color' });
    expect(Buffer.from(cast.output, 'utf8').equals(bytes)).toBe(true);
    const lines = text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    for (const [t, kind, data] of lines) {
      expect(typeof t).toBe('number');
      expect(['o', 'r']).toContain(kind);
      expect(typeof data).toBe('string');
    }
    expect(lines.at(-1)).toEqual([expect.any(Number), 'r', '100x30']);
  });

  it('never overwrites an existing recording', async () => {
    const path = join(dir, 'b.cast');
    await (await CastRecorder.open(path, { cols: 80, rows: 24, term: 'xterm' })).close();
    await expect(CastRecorder.open(path, { cols: 80, rows: 24, term: 'xterm' })).rejects.toThrow();
  });

  it('defaults the directory to recordings beside the settings', () => {
    expect(
      recordingsDir({ shell: { recordingsDir: '' } } as never, { OVERCAST_SETTINGS_DIR: '/srv/s' }),
    ).toBe('/srv/s/recordings');
    expect(recordingsDir({ shell: { recordingsDir: '/data/rec' } } as never)).toBe('/data/rec');
  });
});

describe('sealed private keys', () => {
  it('open only on the row they were sealed for', () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const stored = { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\n...', passphrase: 'p' };
    const sealed = sealPrivateKey(box, 'key-1', stored);
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('OPENSSH');
    expect(openPrivateKey(box, { id: 'key-1', privateKey: sealed })).toEqual(stored);
    expect(() => openPrivateKey(box, { id: 'key-2', privateKey: sealed })).toThrow();
  });
});
