import { describe, expect, it } from 'vitest';
import { domainXml, guestTarget, nextTarget, parseSize } from './create';
import { parseDomain } from './domain';
import { virshError } from './errors';
import { isPrivateIp } from './ip';
import { mapDomainState } from './state';
import { parseDomIfAddr, parseDomState, parseTable } from './tables';
import { parseXml } from './xml';

describe('xml reader', () => {
  it('reads elements, attributes with > inside, entities, CDATA and comments', () => {
    const doc = parseXml(
      `<?xml version="1.0"?><!-- c --><a x='1' y="a>b &amp; c"><b>t &lt;1&gt; &#65;&#x42;</b><c/><d><![CDATA[<raw>]]></d></a>`,
    );
    expect(doc.name).toBe('a');
    expect(doc.attrs).toEqual({ x: '1', y: 'a>b & c' });
    expect(doc.children.map((c) => c.name)).toEqual(['b', 'c', 'd']);
    expect(doc.children[0]?.text).toBe('t <1> AB');
    expect(doc.children[2]?.text).toBe('<raw>');
  });

  it('refuses broken documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/malformed/);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
  });
});

describe('virsh outputs', () => {
  it('reads tables by header position, values with spaces included', () => {
    const out =
      ' Name          Path\n----------------------------\n my disk.img   /pool/my disk.img\n b.qcow2       /pool/b.qcow2\n\n';
    expect(parseTable(out)).toEqual([
      { Name: 'my disk.img', Path: '/pool/my disk.img' },
      { Name: 'b.qcow2', Path: '/pool/b.qcow2' },
    ]);
  });

  it('reads domifaddr with continuation rows', () => {
    const out = ` Name       MAC address          Protocol     Address
-------------------------------------------------------------------------------
 vnet0      52:54:00:aa:bb:cc    ipv4         192.168.122.5/24
 -          -                    ipv6         fd00::5/64
`;
    expect(parseDomIfAddr(out)).toEqual([
      { device: 'vnet0', mac: '52:54:00:aa:bb:cc', family: 'ipv4', address: '192.168.122.5', prefix: 24 },
      { device: 'vnet0', mac: '52:54:00:aa:bb:cc', family: 'ipv6', address: 'fd00::5', prefix: 64 },
    ]);
  });

  it('reads domstate with and without a reason', () => {
    expect(parseDomState('shut off (destroyed)\n\n')).toEqual({ state: 'shut off', reason: 'destroyed' });
    expect(parseDomState('running\n')).toEqual({ state: 'running', reason: null });
  });
});

describe('state mapping', () => {
  it.each([
    ['running', 'running'],
    ['idle', 'running'],
    ['blocked', 'running'],
    ['paused', 'stopped'],
    ['in shutdown', 'stopped'],
    ['shut off', 'stopped'],
    ['dying', 'stopped'],
    ['pmsuspended', 'stopped'],
    ['crashed', 'error'],
    ['no state', 'unknown'],
    ['something new', 'unknown'],
  ])('%s → %s', (raw, state) => {
    expect(mapDomainState(raw)).toBe(state);
  });
});

describe('virsh errors', () => {
  it.each([
    ["error: failed to get domain 'nope'\n", 'not-found'],
    [
      "error: failed to get vol '/x', specifying --pool might help\nerror: Storage volume not found: no storage vol with matching path '/x'\n",
      'not-found',
    ],
    ['error: Domain is already active\n', 'invalid'],
    ['error: Requested operation is not valid: domain is not running\n', 'invalid'],
    ["error: operation failed: domain 'web' already exists with uuid 1234\n", 'conflict'],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n",
      'unavailable',
    ],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied\n",
      'auth',
    ],
    [
      'error: failed to connect to the hypervisor\nerror: authentication failed: access denied by policy\n',
      'auth',
    ],
    [
      'error: failed to connect to the hypervisor\nerror: no connection driver available for bogus:///x\n',
      'invalid',
    ],
    [
      'error: this function is not supported by the connection driver: virDomainAttachDeviceFlags\n',
      'invalid',
    ],
  ])('%s', (stderr, kind) => {
    const err = virshError(stderr);
    expect(err.kind).toBe(kind);
    expect(err.message).not.toMatch(/^error:/);
  });

  it('keeps every line of libvirt’s words', () => {
    expect(virshError('error: Failed to attach disk\nerror: unsupported configuration: bad\n').message).toBe(
      'Failed to attach disk: unsupported configuration: bad',
    );
  });
});

describe('new domains', () => {
  it('parses sizes in both spellings', () => {
    expect(parseSize('2x2048')).toEqual({ vcpus: 2, memoryMb: 2048 });
    expect(parseSize('4 vCPU / 8192 MiB')).toEqual({ vcpus: 4, memoryMb: 8192 });
    expect(parseSize('1 vCPU / 2 GiB')).toEqual({ vcpus: 1, memoryMb: 2048 });
    expect(() => parseSize('huge')).toThrow(/not a libvirt size/);
  });

  it('picks the next free disk', () => {
    expect(nextTarget(['vda'])).toBe('vdb');
    expect(nextTarget(['vda', 'vdb', 'sda'])).toBe('vdc');
  });

  it('writes XML that reads back to the same facts, hostile values escaped', () => {
    const xml = domainXml({
      name: 'web-1',
      vcpus: 2,
      memoryMb: 2048,
      target: { arch: 'x86_64', domainType: 'kvm' },
      disk: { path: "/pool/it's <here>.qcow2", format: 'qcow2', block: false },
      cdrom: null,
      network: 'default',
      image: '/images/base.qcow2',
      tags: { team: 'a&b', 'x"y': '</tag>' },
    });
    const facts = parseDomain(xml);
    expect(facts).toMatchObject({
      name: 'web-1',
      hypervisor: 'kvm',
      vcpus: 2,
      memoryMb: 2048,
      bootVolume: "/pool/it's <here>.qcow2",
      image: '/images/base.qcow2',
      tags: { team: 'a&b', 'x"y': '</tag>' },
    });
    expect(facts.disks[0]).toMatchObject({
      target: 'vda',
      source: "/pool/it's <here>.qcow2",
      format: 'qcow2',
    });
    expect(facts.interfaces[0]).toMatchObject({ type: 'network', source: 'default', model: 'virtio' });
  });

  it('prefers kvm, then qemu', () => {
    const caps = (types: string[]) =>
      `<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x86_64'>${types
        .map((t) => `<domain type='${t}'/>`)
        .join('')}</arch></guest></capabilities>`;
    expect(guestTarget(caps(['qemu', 'kvm']))).toEqual({ arch: 'x86_64', domainType: 'kvm' });
    expect(guestTarget(caps(['qemu']))).toEqual({ arch: 'x86_64', domainType: 'qemu' });
  });
});

describe('addresses', () => {
  it('tells private from public', () => {
    expect(['10.0.0.1', '172.20.1.1', '192.168.1.1', 'fd12::1', '100.64.0.1'].every(isPrivateIp)).toBe(true);
    expect(['8.8.8.8', '172.32.0.1', '2001:db8::1'].some(isPrivateIp)).toBe(false);
  });
});
