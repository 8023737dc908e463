import type { Duplex } from 'node:stream';
import type { SimContainer } from './model';

// What runs inside an emulated exec: a small POSIX-ish shell with a handful of builtins,
// enough for a terminal round trip (prompt, echo, hostname, env, `stty size` after a resize).

export interface ExecSize {
  cols: number;
  rows: number;
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash', 'zsh']);

/**
 * An interactive shell: `sh`, or `sh -c '… exec sh'` (the "bash if there is one, else sh"
 * line clients send; these images have no bash, so it ends in sh).
 */
export const isShell = (cmd: string[]): boolean =>
  (cmd.length === 1 && SHELLS.has(cmd[0] as string)) ||
  (cmd.length === 3 &&
    SHELLS.has(cmd[0] as string) &&
    cmd[1] === '-c' &&
    /exec (\/bin\/)?sh\s*(;|$|fi)/.test(cmd[2] as string));

function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Runs one command line; returns its output and exit code, or `exit` to leave the shell. */
export function runCommand(
  container: SimContainer,
  env: string[],
  size: ExecSize,
  argv: string[],
): { output: string; code: number; exit?: boolean } {
  const [cmd, ...args] = argv;
  const vars: Record<string, string> = {
    HOSTNAME: container.id.slice(0, 12),
    HOME: '/root',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...Object.fromEntries(
      [...container.env, ...env].map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    ),
  };
  const expand = (a: string) => a.replace(/\$(\w+)/g, (_, k: string) => vars[k] ?? '');
  switch (cmd) {
    case undefined:
      return { output: '', code: 0 };
    case 'exit':
      return { output: '', code: Number(args[0] ?? 0) || 0, exit: true };
    case 'echo':
      return { output: `${args.map(expand).join(' ')}\n`, code: 0 };
    case 'hostname':
      return { output: `${container.id.slice(0, 12)}\n`, code: 0 };
    case 'whoami':
      return { output: 'root\n', code: 0 };
    case 'id':
      return { output: 'uid=0(root) gid=0(root) groups=0(root)\n', code: 0 };
    case 'pwd':
      return { output: '/\n', code: 0 };
    case 'true':
      return { output: '', code: 0 };
    case 'false':
      return { output: '', code: 1 };
    case 'env':
    case 'printenv':
      return {
        output: `${Object.entries(vars)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')}\n`,
        code: 0,
      };
    case 'stty':
      if (args[0] === 'size') return { output: `${size.rows} ${size.cols}\n`, code: 0 };
      return { output: '', code: 0 };
    case 'ls':
      return { output: 'bin   dev   etc   home  lib   proc  root  sys   tmp   usr   var\n', code: 0 };
    case 'uname':
      return { output: args.includes('-a') ? 'Linux sim 6.1.0 x86_64 Linux\n' : 'Linux\n', code: 0 };
    case 'cat':
      if (args[0] === '/etc/hostname') return { output: `${container.id.slice(0, 12)}\n`, code: 0 };
      return { output: `cat: can't open '${args[0] ?? ''}': No such file or directory\n`, code: 1 };
    default:
      return { output: `sh: ${cmd}: not found\n`, code: 127 };
  }
}

/**
 * An interactive shell on a TTY: echoes what is typed (as a terminal in cooked mode does),
 * runs each line, prints a prompt. Resolves with the exit code when the shell exits.
 */
export function runTtyShell(
  socket: Duplex,
  container: SimContainer,
  env: string[],
  size: () => ExecSize,
): Promise<number> {
  const prompt = () => `/ # `;
  let line = '';
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      socket.off('data', onData);
      resolve(code);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (done) return;
        if (ch === '\r' || ch === '\n') {
          socket.write('\r\n');
          const result = runCommand(container, env, size(), words(line));
          line = '';
          if (result.exit) return finish(result.code);
          socket.write(result.output.replaceAll('\n', '\r\n'));
          socket.write(prompt());
        } else if (ch === '\x7f' || ch === '\b') {
          if (line.length > 0) {
            line = line.slice(0, -1);
            socket.write('\b \b');
          }
        } else if (ch === '\x03') {
          line = '';
          socket.write(`^C\r\n${prompt()}`);
        } else if (ch === '\x04') {
          if (line === '') return finish(0);
        } else if (ch >= ' ') {
          line += ch;
          socket.write(ch);
        }
      }
    };
    socket.on('data', onData);
    socket.once('close', () => finish(129));
    socket.once('end', () => finish(0));
    socket.write(prompt());
  });
}

/**
 * Whether a non-TTY exec runs a script it reads on stdin: `sh -s`, or a `sh -c` line that stores
 * stdin in a file and runs it (what Overcast's script runner sends).
 */
export const readsScript = (cmd: string[]): boolean =>
  SHELLS.has(cmd[0] as string) &&
  ((cmd.length === 2 && cmd[1] === '-s') ||
    (cmd.length === 3 && cmd[1] === '-c' && /\bcat > "\$\w+"/.test(cmd[2] as string)));

/** Reads stdin to its end (the client half-closes), then runs each line; stops at `exit`. */
export function runScript(
  stdin: Duplex,
  container: SimContainer,
  env: string[],
  size: ExecSize,
  write: (text: string, stream: 1 | 2) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const run = () => {
      stdin.off('data', onData);
      let code = 0;
      for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
        if (line.trim() === '' || line.trim().startsWith('#')) continue;
        const result = runCommand(container, env, size, words(line));
        if (result.output) write(result.output, result.code === 0 ? 1 : 2);
        code = result.code;
        if (result.exit) break;
      }
      resolve(code);
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    stdin.on('data', onData);
    stdin.once('end', run);
  });
}

/** A stdout frame of the multiplexed (non-TTY) stream: [type, 0, 0, 0, size BE32] + payload. */
export function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
