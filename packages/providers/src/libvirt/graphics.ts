import { ProviderError } from '@overcast/contracts';
import { all, parseXml } from './xml';

/** A domain's VNC display as its live XML names it. */
export interface VncGraphics {
  port: number;
  /** The address it listens on; null when it listens on every address or names none. */
  listen: string | null;
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The `<graphics type='vnc'>` of a domain's XML. A port of -1 means libvirt has not given it one
 * (the domain is not running); a socket or a `none` listen cannot be reached over TCP.
 */
export function parseVncGraphics(xml: string, domain: string): VncGraphics {
  const vnc = all(parseXml(xml), 'devices/graphics').find((g) => g.attrs.type === 'vnc');
  if (!vnc) {
    throw new ProviderError(
      'not-found',
      `${domain} has no VNC display. Add <graphics type='vnc' listen='...'/> to its definition to use the console.`,
    );
  }
  const port = Number(vnc.attrs.port ?? '-1');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProviderError(
      'conflict',
      `${domain}'s VNC display has no port yet; libvirt assigns one when the machine runs. Start it and try again.`,
    );
  }
  const listens = all(vnc, 'listen');
  if (listens.some((l) => l.attrs.type === 'socket' || l.attrs.type === 'none')) {
    throw new ProviderError(
      'invalid',
      `${domain}'s VNC display listens on a UNIX socket, not TCP; give it <listen type='address'/> to use the console.`,
    );
  }
  const address =
    vnc.attrs.listen ?? listens.find((l) => l.attrs.type === 'address' && l.attrs.address)?.attrs.address;
  return { port, listen: address === undefined || WILDCARD.has(address) ? null : address };
}

const isLoopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || address === 'localhost';

/**
 * Where Overcast connects: the listen address itself, or the host's address when VNC listens
 * everywhere. A display bound to a remote host's loopback is out of reach and said so.
 */
export function vncHost(graphics: VncGraphics, remoteHost: string | null, domain: string): string {
  if (graphics.listen === null) return remoteHost ?? '127.0.0.1';
  if (remoteHost !== null && isLoopback(graphics.listen)) {
    throw new ProviderError(
      'invalid',
      `${domain}'s VNC display listens only on ${graphics.listen} of ${remoteHost}, which Overcast cannot reach. ` +
        "Make it listen on an address Overcast can reach (listen='0.0.0.0' or the host's address).",
    );
  }
  return graphics.listen;
}
