import { describe, expect, it } from 'vitest';
import { remoteCommand } from './script-exec';

describe('remoteCommand', () => {
  it('is a fixed line: nothing of a script or its parameters is ever in it', () => {
    expect(remoteCommand('shell')).toBe(remoteCommand('shell'));
    expect(remoteCommand('shell')).toMatch(/^\/bin\/sh -c '/);
    expect(remoteCommand('shell')).toContain('/bin/sh "$f"');
    expect(remoteCommand('executable')).toContain('"$f" < /dev/null');
  });
});
