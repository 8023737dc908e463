import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports';

// A real VNC server (TigerVNC's Xvnc, Debian's tigervnc-standalone-server) on a loopback port,
// and a libvirt test-driver node whose one domain names that port in its <graphics>.

const BINARY = process.env.XVNC_PATH ?? 'Xvnc';

export interface VncHandle {
  host: string;
  port: number;
  /** `test:///...` URI of a libvirt node with the domain `uuid`, whose VNC display is this server. */
  libvirtUri: string;
  uuid: string;
  name: string;
  stop(): Promise<void>;
}

export async function startVnc(options: { name?: string; uuid?: string } = {}): Promise<VncHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-vnc-'));
  const port = await freePort();
  const name = options.name ?? 'console-vm';
  const uuid = options.uuid ?? '44444444-2222-3333-4444-555555555555';
  let output = '';
  // -displayfd picks a free X display; no password (SecurityTypes None) on loopback only.
  const child: ChildProcess = spawn(
    BINARY,
    [
      '-displayfd',
      '3',
      '-rfbport',
      String(port),
      '-interface',
      '127.0.0.1',
      '-localhost',
      '-SecurityTypes',
      'None',
      '-geometry',
      '800x600',
      '-depth',
      '24',
      '-nolisten',
      'tcp',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${BINARY}: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`Xvnc exited with ${code}: ${output}`)));
  });
  exited.catch(() => {});
  await Promise.race([waitForPort(port, true, 20_000), exited]);
  const nodeFile = join(dir, 'node.xml');
  writeFileSync(
    nodeFile,
    `<node>
  <domain type='test'>
    <name>${name}</name>
    <uuid>${uuid}</uuid>
    <memory unit='MiB'>512</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <graphics type='vnc' port='${port}' autoport='no' listen='127.0.0.1'>
        <listen type='address' address='127.0.0.1'/>
      </graphics>
    </devices>
  </domain>
</node>
`,
  );
  return {
    host: '127.0.0.1',
    port,
    libvirtUri: `test://${nodeFile}`,
    uuid,
    name,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
