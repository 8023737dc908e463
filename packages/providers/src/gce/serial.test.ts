// Serial port output through @google-cloud/compute's REST transport against the emulator.

import { generateKeyPairSync } from 'node:crypto';
import { isSerialConsoleDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { createGceDriver } from './index';

const EMAIL = 'overcast-console@proj-c.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('Compute Engine serial console', () => {
  let sim: GceSim;
  beforeAll(async () => {
    sim = await startGceSim({
      serviceAccounts: [{ email: EMAIL, projects: ['proj-c'], publicKey: keys.publicKey }],
      projects: [{ id: 'proj-c', instances: 3, namePrefix: 'vm' }],
      provisionMs: 10,
      stopMs: 10,
      operationMs: 5,
    });
  });
  afterAll(() => sim.close());

  const driver = () => {
    const d = createGceDriver({
      credentials: {
        serviceAccount: {
          type: 'service_account',
          project_id: 'proj-c',
          private_key_id: 'key-1',
          private_key: keys.privateKey,
          client_email: EMAIL,
          client_id: '100000000000000000002',
          token_uri: sim.tokenUri,
        },
      },
      endpoint: sim.url,
      config: { project: 'proj-c', retryBaseDelayMs: 5, retryMaxDelayMs: 50, requestTimeoutMs: 5_000 },
    });
    if (!isSerialConsoleDriver(d)) throw new Error('the GCE driver offers no serial console');
    return d;
  };

  it('reads port 1 from the start, then from `next` on: a reset appends a new boot', async () => {
    const d = driver();
    const first = await d.serialOutput('us-central1-a/vm-000000');
    expect(first.text).toContain('Linux version');
    expect(first.text).toContain('vm-000000 login:');
    expect(Number(first.next)).toBe(Buffer.byteLength(first.text));

    expect((await d.serialOutput('us-central1-a/vm-000000', first.next)).text).toBe('');
    await d.machineAction('us-central1-a/vm-000000', 'reboot');
    const after = await d.serialOutput('us-central1-a/vm-000000', first.next);
    expect(after.text).toContain('(boot 2,');
    expect(after.text).not.toContain('(boot 1,');
    expect(Number(after.next)).toBeGreaterThan(Number(first.next));
  });

  it('answers an unknown instance with not-found and a bad cursor as invalid', async () => {
    const d = driver();
    await expect(d.serialOutput('us-central1-a/nope')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(d.serialOutput('us-central1-a/vm-000000', '-5')).rejects.toMatchObject({ kind: 'invalid' });
  });
});
