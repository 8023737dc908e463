// A certificate no system trusts (a Proxmox cluster CA's, a vCenter's self-signed one) is treated like an
// SSH host key: its SHA-256 fingerprint is trusted on first use and insisted on afterwards. The
// pin is checked on the TLS socket before a single byte of a request (or a token) is written to it.

import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect, type TLSSocket } from 'node:tls';
import { ProviderError } from '@overcast/contracts';

/** What the driver saw on its latest connection, for the caller to pin. */
export interface CertificateInfo {
  /** SHA-256 as uppercase hex pairs joined by colons, as Proxmox and vSphere show it. */
  fingerprint: string;
  /** True when no fingerprint was expected, so this certificate was trusted on first use. */
  firstUse: boolean;
}

/** Canonical form of a pasted fingerprint (any case, colons or not, `sha256:` prefix or not). */
export function normalizeFingerprint(raw: string): string {
  const hex = raw
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new ProviderError(
      'invalid',
      `'${raw}' is not a SHA-256 certificate fingerprint: expected 64 hex digits, e.g. AB:CD:…:EF.`,
    );
  return hex.match(/../g)!.join(':');
}

export class CertificateMismatch extends ProviderError {
  constructor(host: string, expected: string, actual: string) {
    super(
      'auth',
      `The TLS certificate of ${host} does not match: expected ${expected}, the server presented ${actual}. ` +
        'If the certificate was renewed, update the fingerprint in the cloud settings; otherwise someone may be intercepting the connection.',
      { code: 'certificate_mismatch' },
    );
  }
}

/** The config that pins a certificate trusted on first use from then on; nothing otherwise. */
export const learnedPin = (seen: CertificateInfo | null): Record<string, unknown> =>
  seen?.firstUse ? { certificateFingerprint: seen.fingerprint } : {};

type Connected = (err: Error | null, stream: Duplex) => void;

/**
 * An HTTPS agent whose sockets are handed to HTTP only once the certificate passed: the pinned
 * fingerprint when there is one; else a certificate valid for the host under the system's CAs
 * (which renews freely, so nothing is pinned); else whatever is presented, recorded as first use.
 * Session resumption is off, so every new socket shows its certificate.
 */
export class PinnedAgent extends https.Agent {
  /** The certificate of the latest connection. */
  seen: CertificateInfo | null = null;

  constructor(
    private readonly expected: string | null,
    lookup: LookupFunction,
  ) {
    super({ keepAlive: true, timeout: 5_000, lookup, maxCachedSessions: 0 });
  }

  override createConnection(options: https.RequestOptions, done?: Connected): undefined {
    const host = String(options.host ?? options.hostname ?? '');
    let settled = false;
    const finish = (err: Error | null, socket?: TLSSocket) => {
      if (settled) return;
      settled = true;
      // On failure http reads only the error; the socket is destroyed already.
      done?.(err, socket as Duplex);
    };
    const socket = connect({ ...(options as object), rejectUnauthorized: false }) as TLSSocket;
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.fingerprint256) {
        socket.destroy();
        return finish(new ProviderError('unavailable', `${host} presented no TLS certificate.`));
      }
      const actual = cert.fingerprint256.toUpperCase();
      if (this.expected) {
        if (actual !== this.expected) {
          socket.destroy();
          return finish(new CertificateMismatch(host, this.expected, actual));
        }
        this.seen = { fingerprint: actual, firstUse: false };
      } else {
        const trusted = socket.authorized && checkServerIdentity(host, cert) === undefined;
        this.seen = trusted ? null : { fingerprint: actual, firstUse: true };
      }
      finish(null, socket);
    });
    socket.once('error', (err) => finish(err));
    // A handshake that never ends is an unanswered request, not a hung poll.
    socket.once('timeout', () => {
      if (settled) return;
      socket.destroy();
      finish(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    return undefined;
  }
}
