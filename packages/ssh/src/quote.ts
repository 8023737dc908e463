import { SshError } from './errors';

// Words made only of these characters mean the same thing unquoted in sh, bash, dash and zsh.
// `=` is allowed but not first: zsh expands a leading `=word` to a path.
const SAFE = /^[A-Za-z0-9_./:@,+-][A-Za-z0-9_./:@,+=-]*$/;

/**
 * Quotes one argument for a POSIX shell: safe words stay bare, everything else goes inside single
 * quotes, where nothing is special except the quote itself (closed, escaped, reopened). Newlines
 * survive as data. NUL cannot travel in a C string, so it is refused rather than silently cut.
 */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string')
    throw new SshError('invalid', `Cannot quote a ${typeof arg} as a shell argument.`);
  if (arg.includes('\0')) {
    throw new SshError('invalid', 'An argument contains a NUL byte, which no remote command can receive.');
  }
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins argv into one command line where every element reaches the program as exactly one argument. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new SshError('invalid', 'A command needs at least the program name.');
  return argv.map(shellQuote).join(' ');
}
