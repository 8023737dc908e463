import { isIP, type LookupFunction } from 'node:net';
import { connect } from 'node:tls';

/**
 * With TLS 1.3 a daemon refuses a client certificate only after the handshake, so the HTTP
 * client sees a bare "socket hang up". This repeats the handshake on a raw socket and reads the
 * alert the daemon sent (or notes that it hung up without answering), to tell a refused
 * certificate from an engine that went away.
 */
export function probeTlsRefusal(
  host: string,
  port: number,
  material: { ca: string; cert: string; key: string },
  lookup?: LookupFunction,
  timeoutMs = 5_000,
): Promise<string | null> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    const socket = connect({
      host,
      port,
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      servername: isIP(host) ? undefined : host,
      ...(lookup ? { lookup } : {}),
    });
    let secured = false;
    socket.on('secureConnect', () => {
      secured = true;
      socket.write(`GET /_ping HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', () => done(null));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const text = `${err.code ?? ''} ${err.message}`;
      done(/ALERT|alert/.test(text) ? err.message : null);
    });
    // Some daemons (and Node's own TLS server) hang up without an alert: a handshake that
    // completed followed by silence to a request is the same refusal.
    const hungUp = () =>
      done(secured ? 'the engine closed the connection right after the TLS handshake' : null);
    socket.on('end', hungUp);
    socket.on('close', hungUp);
  });
}
