import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HOSTILE } from '../test/hostile';
import { SshError } from './errors';
import { commandLine, shellQuote } from './quote';

/** What /bin/sh hands to a program for the command line we built: one NUL-terminated arg each. */
function argvSeenBySh(argv: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine(argv)}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('virsh')).toBe('virsh');
    expect(shellQuote('qemu:///system')).toBe('qemu:///system');
    expect(shellQuote('a=b')).toBe('a=b');
    expect(shellQuote('=b')).toBe("'=b'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'");
  });

  it('refuses NUL', () => {
    expect(() => shellQuote('a\0b')).toThrow(SshError);
    try {
      shellQuote('a\0b');
    } catch (err) {
      expect((err as SshError).kind).toBe('invalid');
    }
  });

  it('delivers every hostile string to the program unchanged through a real shell', () => {
    expect(argvSeenBySh(HOSTILE)).toEqual(HOSTILE);
  });

  it('commandLine needs a program', () => {
    expect(() => commandLine([])).toThrow(/program/);
  });
});
