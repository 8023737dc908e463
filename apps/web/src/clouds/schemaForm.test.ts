import { PROVIDER_MODULES } from '@overcast/providers/registry';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import type { ProviderInfo } from '../api/types';
import { buildRequest, cloudFieldOf, formFields, valuesFromConfig } from './schemaForm';

// The forms as the browser gets them: each module through JSON, as GET /providers serves it.
const served = (kind: string) =>
  JSON.parse(JSON.stringify(PROVIDER_MODULES.find((m) => m.kind === kind))) as ProviderInfo;

describe('a provider form read from its schema', () => {
  it('asks a token provider for its token, as a secret, required', () => {
    const fields = formFields(served('hetzner'));
    expect(fields.map((f) => [f.name, f.widget, f.required])).toEqual([['token', 'secret', true]]);
    expect(buildRequest(served('hetzner'), {}).error).toEqual({
      field: 'token',
      message: 'API token is required.',
    });
    expect(buildRequest(served('hetzner'), { token: ' abc ' })).toEqual({
      credentials: { token: 'abc' },
      config: {},
    });
  });

  it('reads SSH hosts one per line, says which line is wrong, and writes them back the same', () => {
    const ssh = served('ssh_host');
    const hosts = 'root@203.0.113.10 db-1\ndeploy@[2001:db8::1]:2222 web 1\nops@h3';
    const built = buildRequest(ssh, { hosts, password: 'pw' });
    expect(built.config.hosts).toEqual([
      { username: 'root', address: '203.0.113.10', name: 'db-1' },
      { username: 'deploy', address: '2001:db8::1', port: 2222, name: 'web 1' },
      { username: 'ops', address: 'h3' },
    ]);
    expect(built.credentials).toEqual({ password: 'pw' });
    expect(buildRequest(ssh, { hosts: 'root@a\nnot a host' }).error?.message).toMatch(/^Line 2:/);
    expect(
      valuesFromConfig(ssh, { hosts: [{ username: 'root', address: 'a', port: 2200, name: 'x' }] }),
    ).toEqual({
      hosts: 'root@a:2200 x',
    });
  });

  it('puts a group together (the KVM host) and says what half of it is missing', () => {
    const kvm = served('libvirt');
    const full = buildRequest(kvm, {
      uri: 'qemu:///system',
      'host.address': 'kvm1',
      'host.username': 'o',
      'host.port': '2222',
    });
    expect(full.config).toEqual({
      uri: 'qemu:///system',
      host: { address: 'kvm1', username: 'o', port: 2222 },
    });
    expect(buildRequest(kvm, { uri: 'qemu:///system', 'host.address': 'kvm1' }).error?.field).toBe(
      'host.username',
    );
    expect(buildRequest(kvm, { uri: 'qemu:///system' }).config).toEqual({ uri: 'qemu:///system' });
  });

  it('reads comma-separated lists and keeps key files whole', () => {
    expect(
      buildRequest(served('aws'), { accessKeyId: 'A', secretAccessKey: 'S', regions: 'us-east-1, eu-west-1' })
        .config,
    ).toEqual({
      regions: ['us-east-1', 'eu-west-1'],
    });
    const pem = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----';
    expect(buildRequest(served('docker'), { host: 'tcp://h:2376', ca: pem }).credentials.ca).toBe(`${pem}\n`);
  });

  it("puts the API's error beside the input it names", () => {
    const error = new ApiError(400, 'validation_failed', 'x', null, 'body.config.host.address');
    expect(cloudFieldOf(error, served('libvirt'))).toBe('host.address');
  });
});
