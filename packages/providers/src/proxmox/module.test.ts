// The add-cloud form's rules for Proxmox VE: one way to log in, each written as Proxmox shows it.

import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { proxmoxModule } from './module';

const check = (credentials: Record<string, unknown>, config: Record<string, unknown> = {}) =>
  proxmoxModule.check(credentials, config);

describe('Proxmox VE module', () => {
  it('takes an API token, or a user and password, and says which is wrong', () => {
    expect(check({ apiToken: 'root@pam!overcast=1b2c3d4e-aaaa-bbbb-cccc-000000000000' })).toBeUndefined();
    expect(check({ username: 'ops@pve', password: 'secret' })).toBeUndefined();
    expect(check({})).toBe('Give an API token, or a user (user@realm) and its password.');
    expect(check({ apiToken: 'root@pam!x=y', password: 'p' })).toMatch(/not both/);
    expect(check({ apiToken: '1b2c3d4e-aaaa-bbbb' })).toMatch(/user@realm!tokenid=secret/);
    expect(check({ username: 'root', password: 'p' })).toMatch(/user@realm/);
    expect(check({ username: 'root@pam' })).toMatch(/its password/);
  });

  it('takes a pasted fingerprint in any common spelling, and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    const creds = { apiToken: 'root@pam!o=s' };
    expect(check(creds, { certificateFingerprint: hex })).toBeUndefined();
    expect(
      check(creds, { certificateFingerprint: hex.toUpperCase().match(/../g)!.join(':') }),
    ).toBeUndefined();
    expect(check(creds, { certificateFingerprint: 'SHA256:abc' })).toMatch(/64 hex digits/);
  });

  it('keeps the schemas strict and the password as typed', () => {
    expect(Value.Check(proxmoxModule.credentials, { apiToken: 'a@b!c=d', extra: 1 })).toBe(false);
    expect(
      Value.Check(proxmoxModule.config, { sizes: [{ cores: 2, memoryMb: 2048 }], fullClone: false }),
    ).toBe(true);
    expect(Value.Check(proxmoxModule.config, { sizes: [{ cores: 0, memoryMb: 2048 }] })).toBe(false);
    expect(proxmoxModule.normalize({ username: ' ops@pve ', password: ' spaced ', apiToken: '' })).toEqual({
      username: 'ops@pve',
      password: ' spaced ',
    });
    expect(proxmoxModule.pricing).toBe('none');
  });
});
