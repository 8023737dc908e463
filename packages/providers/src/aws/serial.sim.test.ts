// Serial console output through the real EC2 client against the emulator (GetConsoleOutput).

import { isSerialConsoleDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { createAwsDriver } from './index';
import { afterCursor } from './serial';

describe('EC2 serial console', () => {
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({ seed: { machines: 4, seed: 3 }, regions: ['us-east-1'], transitionMs: 0 });
  });
  afterAll(() => sim.close());

  const driver = () => {
    const d = createAwsDriver({
      credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: 'any-secret' },
      endpoint: sim.url,
      config: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 } },
    });
    if (!isSerialConsoleDriver(d)) throw new Error('the EC2 driver offers no serial console');
    return d;
  };
  const running = () => [...sim.state.instances.values()].find((i) => i.state === 'running')!;

  it("returns a running instance's boot log, then only what a reboot printed", async () => {
    const d = driver();
    const instance = running();
    const first = await d.serialOutput(instance.id);
    expect(first.text).toContain('Linux version');
    expect(first.text).toContain(`${instance.id} login:`);
    expect(first.truncated).toBe(false);

    const nothingNew = await d.serialOutput(instance.id, first.next);
    expect(nothingNew.text).toBe('');

    await d.machineAction(instance.id, 'reboot');
    const after = await d.serialOutput(instance.id, first.next);
    expect(after.text).toContain('(boot 2,');
    expect(after.text).not.toContain('(boot 1,');
  });

  it('answers an unknown instance with not-found and a forged cursor as invalid', async () => {
    const d = driver();
    await expect(d.serialOutput('i-0123456789abcdef0')).rejects.toMatchObject({ kind: 'not-found' });
    const err = await d.serialOutput(running().id, 'not a cursor').catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('invalid');
  });
});

describe('the snapshot cursor', () => {
  it('says when the text it had seen was dropped', () => {
    const first = afterCursor('abc\r\nline 1\r\n');
    expect(afterCursor('abc\r\nline 1\r\nline 2\r\n', first.next)).toMatchObject({
      text: 'line 2\r\n',
      truncated: false,
    });
    expect(afterCursor('something else entirely', first.next)).toMatchObject({
      text: 'something else entirely',
      truncated: true,
    });
  });
});
