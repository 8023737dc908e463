// A domain's VNC display read from its live XML (libvirt's test driver), and the refusals.

import { connect } from 'node:net';
import { isGraphicalConsoleDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVnc, type VncHandle } from '../../../../test/support/vnc';
import { createLibvirtDriver } from './driver';
import { parseVncGraphics, vncHost } from './graphics';

let vnc: VncHandle;
beforeAll(async () => {
  vnc = await startVnc();
});
afterAll(() => vnc?.stop());

describe('libvirt graphical console', () => {
  it('finds the VNC server a domain names, and it speaks RFB there', async () => {
    const driver = createLibvirtDriver({ credentials: {}, config: { uri: vnc.libvirtUri } });
    expect(isGraphicalConsoleDriver(driver)).toBe(true);
    const target = await driver.consoleTarget(vnc.uuid);
    expect(target).toEqual({ protocol: 'vnc', host: '127.0.0.1', port: vnc.port });
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect(target.port, target.host);
      socket.once('data', (d) => {
        resolve(d.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(greeting).toBe('RFB 003.008\n');
  });

  it('refuses a domain without a VNC display, and an unknown one', async () => {
    const driver = createLibvirtDriver({ credentials: {}, config: { uri: 'test:///default' } });
    const none = await driver.consoleTarget('6695eb01-f6a4-8304-79aa-97f2502e193f').catch((e) => e);
    expect(none).toBeInstanceOf(ProviderError);
    expect(none.message).toMatch(/no VNC display/);
    await expect(driver.consoleTarget('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});

describe('reading <graphics>', () => {
  const xml = (graphics: string) => `<domain><devices>${graphics}</devices></domain>`;
  it('reads the port and the listen address, attribute or child', () => {
    expect(parseVncGraphics(xml(`<graphics type='vnc' port='5901' listen='127.0.0.9'/>`), 'd')).toEqual({
      port: 5901,
      listen: '127.0.0.9',
    });
    expect(
      parseVncGraphics(
        xml(`<graphics type='vnc' port='5902'><listen type='address' address='127.0.0.3'/></graphics>`),
        'd',
      ),
    ).toEqual({ port: 5902, listen: '127.0.0.3' });
    expect(
      parseVncGraphics(xml(`<graphics type='vnc' port='5903' listen='0.0.0.0'/>`), 'd').listen,
    ).toBeNull();
  });

  it('says why a display cannot be used', () => {
    expect(() => parseVncGraphics(xml(`<graphics type='vnc' port='-1' autoport='yes'/>`), 'd')).toThrow(
      /Start it and try again/,
    );
    expect(() =>
      parseVncGraphics(xml(`<graphics type='vnc' port='5904'><listen type='socket'/></graphics>`), 'd'),
    ).toThrow(/UNIX socket/);
    expect(() => vncHost({ port: 5900, listen: '127.0.0.1' }, '127.0.0.5', 'd')).toThrow(/cannot reach/);
    expect(vncHost({ port: 5900, listen: null }, '127.0.0.5', 'd')).toBe('127.0.0.5');
  });
});
