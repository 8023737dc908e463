import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { closeChannel } from './channel';

export interface ShellOptions {
  /** Terminal width in columns; default 80. */
  cols?: number;
  /** Terminal height in rows; default 24. */
  rows?: number;
  /** $TERM on the host; default xterm-256color. */
  term?: string;
  env?: Record<string, string>;
}

export interface ShellExit {
  exitCode: number | null;
  signal: string | null;
}

const dimension = (n: number | undefined, fallback: number) =>
  Number.isInteger(n) && (n as number) > 0 && (n as number) <= 10_000 ? (n as number) : fallback;

/**
 * An interactive login shell on a pseudo-terminal: write keystrokes, read what the terminal shows.
 * Ending the writable side sends EOF; destroying it closes the session.
 */
export class ShellStream extends Duplex {
  readonly exit: Promise<ShellExit>;
  private status: ShellExit = { exitCode: null, signal: null };

  constructor(private readonly channel: ClientChannel) {
    super();
    const forward = (data: Buffer) => {
      if (!this.push(data)) channel.pause();
    };
    channel.on('data', forward);
    // A pty folds stderr into the terminal; anything that still arrives apart belongs on screen too.
    channel.stderr.on('data', forward);
    channel.on('exit', (code: number | null, signal?: string) => {
      this.status = { exitCode: typeof code === 'number' ? code : null, signal: signal ?? null };
    });
    channel.on('error', (err: Error) => this.destroy(err));
    this.exit = new Promise((resolve) => {
      channel.once('close', () => {
        this.push(null);
        resolve(this.status);
      });
    });
  }

  /** Tells the host the terminal's new size (SIGWINCH for the programs in it). */
  resize(cols: number, rows: number): void {
    this.channel.setWindow(dimension(rows, 24), dimension(cols, 80), 0, 0);
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.channel.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    closeChannel(this.channel);
    callback(error);
  }
}

export { dimension as terminalDimension };
