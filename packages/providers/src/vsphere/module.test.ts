// The add-cloud form's rules for vSphere: a user and password, and a fingerprint as vCenter shows it.

import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { vsphereModule } from './module';

describe('VMware vSphere module', () => {
  it('takes a user and password, and says what is wrong with the user', () => {
    expect(vsphereModule.check({ username: 'ops@vsphere.local', password: 'p' }, {})).toBeUndefined();
    expect(vsphereModule.check({ username: ' ', password: 'p' }, {})).toMatch(/Give the vCenter user/);
    expect(vsphereModule.check({ username: 'ops vsphere', password: 'p' }, {})).toMatch(
      /no spaces or colons/,
    );
    expect(Value.Check(vsphereModule.credentials, { username: 'a@b', password: 'p', extra: 1 })).toBe(false);
    expect(Value.Check(vsphereModule.credentials, { username: 'a@b' })).toBe(false);
  });

  it('takes a pasted fingerprint in any common spelling, and refuses anything else', () => {
    const creds = { username: 'a@vsphere.local', password: 'p' };
    const hex = 'ab'.repeat(32);
    expect(vsphereModule.check(creds, { certificateFingerprint: hex })).toBeUndefined();
    expect(
      vsphereModule.check(creds, { certificateFingerprint: hex.toUpperCase().match(/../g)!.join(':') }),
    ).toBeUndefined();
    expect(vsphereModule.check(creds, { certificateFingerprint: 'SHA256:abc' })).toMatch(/64 hex digits/);
  });

  it('keeps the password as typed, and has no prices of its own', () => {
    expect(vsphereModule.normalize({ username: ' ops@vsphere.local ', password: ' spaced ' })).toEqual({
      username: 'ops@vsphere.local',
      password: ' spaced ',
    });
    expect(vsphereModule.pricing).toBe('none');
  });
});
