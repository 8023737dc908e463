import type { ClientChannel } from 'ssh2';
import { SshError } from './errors';

// Helpers over ssh2 channels shared by commands and shells.

interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/** Signal names as SSH carries them: without the "SIG" prefix. */
export type SignalName = 'TERM' | 'KILL' | 'INT' | 'HUP' | 'QUIT' | 'USR1' | 'USR2';

/**
 * Asks the server to deliver a signal (RFC 4254 "signal" request; OpenSSH signals the whole
 * process group of the session). ssh2 refuses once our side sent EOF, yet a command whose stdin
 * was closed still deserves a kill, so the request then goes out on the open channel directly.
 */
export function sendSignal(channel: ClientChannel, name: SignalName): void {
  try {
    if (channel.writable) {
      channel.signal(name);
      return;
    }
    const internals = channel as unknown as ChannelInternals;
    if (internals.outgoing?.state === 'open')
      internals._client?._protocol?.signal(internals.outgoing.id, name);
  } catch {
    // The channel is already going away; closing it is the caller's fallback.
  }
}

/** Closes the channel; the server then tears the session down and drops its pipes. */
export function closeChannel(channel: ClientChannel): void {
  try {
    channel.close();
  } catch {
    // Already closed.
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks environment variable names; values are quoted by the caller. */
export function checkEnv(env: Record<string, string> | undefined): [string, string][] {
  const entries = Object.entries(env ?? {});
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name))
      throw new SshError('invalid', `'${name}' is not a valid environment variable name.`);
    if (typeof value !== 'string') throw new SshError('invalid', `The value of ${name} must be a string.`);
  }
  return entries;
}
