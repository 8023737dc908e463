import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `docker context` / DOCKER_CERT_PATH holds: a CA, the daemon's pair and a client pair. */
export interface TlsMaterial {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/**
 * Makes a fresh CA with a server certificate (for localhost and 127.0.0.1) and a client
 * certificate, the way Docker's "Protect the daemon socket" guide does, with openssl.
 */
export function makeTlsMaterial(commonName = 'docker-sim'): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'docker-sim-tls-'));
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      f('ca-key.pem'),
      '-out',
      f('ca.pem'),
      '-days',
      '30',
      '-subj',
      `/CN=${commonName} CA`,
    );
    writeFileSync(
      f('server.ext'),
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    );
    writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const who of ['server', 'client']) {
      ssl(
        'req',
        ...ec,
        '-keyout',
        f(`${who}-key.pem`),
        '-out',
        f(`${who}.csr`),
        '-subj',
        `/CN=${who === 'server' ? 'localhost' : 'client'}`,
      );
      ssl(
        'x509',
        '-req',
        '-in',
        f(`${who}.csr`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca-key.pem'),
        '-CAcreateserial',
        '-out',
        f(`${who}.pem`),
        '-days',
        '30',
        '-extfile',
        f(`${who}.ext`),
      );
    }
    const read = (name: string) => readFileSync(f(name), 'utf8');
    return {
      ca: read('ca.pem'),
      serverCert: read('server.pem'),
      serverKey: read('server-key.pem'),
      clientCert: read('client.pem'),
      clientKey: read('client-key.pem'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
