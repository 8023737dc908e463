import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { listenForSockets, sshMachine, startOrgApi } from './harness';

/** A text frame of the terminal protocol, as the server sends it. */
export interface Control {
  type: string;
  state?: string;
  code?: string;
  message?: string;
  reason?: string;
  sessionId?: string;
  hostKey?: { algorithm: string; fingerprint: string; firstUse: boolean };
  expectedFingerprint?: string;
  actualFingerprint?: string;
}

/** An open WebSocket to the api: what came back, and ways to type into it and wait on it. */
export interface Terminal {
  ws: WebSocket;
  bytes(): Buffer;
  text(): string;
  controls: Control[];
  /** The close frame, and when it arrived. */
  closed: Promise<{ code: number; reason: string; at: number }>;
  isOpen(): boolean;
  type(s: string): void;
  send(message: unknown): void;
  waitFor(pattern: RegExp): Promise<void>;
  waitControl(match: (c: Control) => boolean): Promise<Control>;
}

/** Opens a WebSocket (a terminal, or the event stream) with these headers, once it is open. */
export async function openSocket(url: string, headers: Record<string, string>): Promise<Terminal> {
  const chunks: Buffer[] = [];
  const controls: Control[] = [];
  const ws = new WebSocket(url, { headers });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) chunks.push(Buffer.from(data));
    else controls.push(JSON.parse(data.toString()) as Control);
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const bytes = () => Buffer.concat(chunks);
  const text = () => bytes().toString('utf8');
  return {
    ws,
    bytes,
    text,
    controls,
    closed,
    isOpen: () => ws.readyState === ws.OPEN,
    type: (s) => ws.send(Buffer.from(s), { binary: true }),
    send: (message) => ws.send(JSON.stringify(message)),
    waitFor: (pattern) => expect.poll(text, { timeout: 10_000 }).toMatch(pattern),
    async waitControl(match) {
      try {
        await expect.poll(() => controls.some(match), { timeout: 20_000 }).toBe(true);
      } catch {
        throw new Error(`control message not seen; got ${JSON.stringify(controls)}`);
      }
      return controls.find(match) as Control;
    },
  };
}

export const connected = (c: Control) => c.type === 'status' && c.state === 'connected';

/**
 * The api with a logged-in owner, recording terminals into a directory of its own, a machine on a
 * real sshd and a loopback listener for WebSockets: what terminal tests start from. `close` ends it all.
 */
export async function startTerminalApi() {
  const recordings = mkdtempSync(join(tmpdir(), 'overcast-recordings-'));
  const started = await startOrgApi({
    OVERCAST_SHELL_RECORDINGS_DIR: recordings,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
  });
  const machine = await sshMachine(started.api, started.owner, started.ownerCookie);
  const close = async () => {
    await machine.sshd.stop();
    await started.api.close();
    rmSync(recordings, { recursive: true, force: true });
  };
  return { ...started, ...machine, base: await listenForSockets(started.api), close };
}
