import type { ShellClientMessage, ShellQuery, ShellServerMessage } from '@overcast/contracts';
import type { Command } from '../command';
import { CliError, UsageError } from '../errors';
import { ask } from '../prompt';
import { resolveMachine } from '../resolve';
import { openSocket } from '../socket';

/** Where the terminal's size comes from: the local terminal's, else 80x24. */
const size = () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });

export const ssh: Command = {
  name: 'ssh',
  summary: 'Open a terminal on a machine, through Overcast',
  help: `Usage: overcast ssh MACHINE [options]

A shell on the machine (a name or an id) in this terminal: the same session as the web terminal,
recorded and checked the same way, so no SSH key or route to the machine is needed here. The
terminal is put in raw mode and its size follows yours. Standard input that is not a terminal is
typed into the shell; at its end the shell gets an end-of-file (Ctrl-D).

Options:
  --address public|private   Which of the machine's addresses to reach it at
  --port PORT                The SSH port, when not the machine's usual one`,
  options: {
    address: { type: 'string' },
    port: { type: 'string' },
  },
  async run(cli) {
    const ref = cli.arg(0, 'a machine name or id');
    const address = cli.string('address');
    if (address !== undefined && address !== 'public' && address !== 'private')
      throw new UsageError('--address is public or private.');
    const port = cli.string('port');
    if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new UsageError('--port takes a port number.');
    const client = cli.client();
    const machine = await resolveMachine(client, ref);
    const query: ShellQuery = {
      ...size(),
      ...(address ? { address: address as ShellQuery['address'] } : {}),
      ...(port ? { port: Number(port) } : {}),
    };
    const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const stdin = process.stdin;
    const tty = Boolean(stdin.isTTY);

    return new Promise<number>((resolve, reject) => {
      let failure: CliError | null = null;
      let exited = false;
      const ws = openSocket(client.endpoint, `/api/v1/machines/${machine.id}/shell?${search}`, (error) => {
        failure ??= error;
      });
      const send = (message: ShellClientMessage) => ws.send(JSON.stringify(message));
      const onInput = (chunk: Buffer) => ws.send(chunk, { binary: true });
      const onEnd = () => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.from([4]), { binary: true });
      };
      const onResize = () => send({ type: 'resize', ...size() });
      const restore = () => {
        stdin.off('data', onInput);
        stdin.off('end', onEnd);
        process.stdout.off('resize', onResize);
        if (tty) stdin.setRawMode(false);
        stdin.pause();
      };

      // Keystrokes go out once the shell is there: typed earlier, they would be lost.
      const attach = () => {
        if (tty) stdin.setRawMode(true);
        stdin.on('data', onInput);
        stdin.on('end', onEnd);
        process.stdout.on('resize', onResize);
        stdin.resume();
      };
      ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return void process.stdout.write(data);
        let message: ShellServerMessage;
        try {
          message = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (message.type === 'status') {
          if (message.state === 'connected' && message.hostKey?.firstUse)
            process.stderr.write(
              `Overcast pinned ${machine.name}'s host key (${message.hostKey.algorithm} ${message.hostKey.fingerprint}).\r\n`,
            );
          if (message.state === 'connected') attach();
          if (message.state === 'closed') exited = message.reason === 'exit';
          return;
        }
        if (message.type === 'error') {
          if (message.code === 'password_required' && tty) {
            // The prompt needs the line discipline back for a moment.
            stdin.off('data', onInput);
            stdin.setRawMode(false);
            ask(`${message.message.replace(/\s+$/, '')} Password: `, true)
              .then((password) => {
                stdin.setRawMode(true);
                stdin.on('data', onInput);
                send({ type: 'auth', password });
              })
              .catch((err: Error) => {
                failure ??= new CliError(err.message);
                ws.close();
              });
            return;
          }
          failure ??= new CliError(message.message);
        }
      });
      ws.on('close', (code, reason) => {
        restore();
        if (exited) return resolve(0);
        if (!failure && code !== 1000)
          failure = new CliError(`The terminal closed: ${reason.toString() || code}`);
        if (failure) return reject(failure);
        resolve(0);
      });
    });
  },
};
