import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PveCertificate {
  cert: string;
  key: string;
  /** SHA-256, uppercase hex pairs joined by colons, as Proxmox's GUI shows it. */
  fingerprint: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, as a fresh Proxmox node has one
 * (pve-ssl.pem, signed by the cluster's own CA, which nothing else trusts), made with openssl.
 */
export function makePveCertificate(node = 'pve1'): PveCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pve-sim-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        `/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=${node}.local`,
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      cert,
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
