import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { openstackModule as m } from './module';

describe('OpenStack module', () => {
  const cfg = { authUrl: 'https://keystone.example.com:5000/v3' };
  const password = { username: 'demo', password: 'pw', projectName: 'demo' };

  it('accepts a password user with a project, or an application credential', () => {
    expect(Value.Check(m.credentials, password)).toBe(true);
    expect(Value.Check(m.config, { ...cfg, region: 'RegionOne', interface: 'internal' })).toBe(true);
    expect(m.check(password, cfg)).toBeUndefined();
    expect(m.check({ applicationCredentialId: 'a', applicationCredentialSecret: 's' }, cfg)).toBeUndefined();
  });

  it('says which part is missing or wrong', () => {
    expect(m.check({ ...password, projectName: ' ' }, cfg)).toBe(
      'Give the project name (or project ID) to manage.',
    );
    expect(m.check({ ...password, password: '' }, cfg)).toBe(
      'Give the password, or an application credential.',
    );
    expect(m.check({ applicationCredentialId: 'a' }, cfg)).toBe("Paste the application credential's secret.");
    expect(m.check({ applicationCredentialName: 'a', applicationCredentialSecret: 's' }, cfg)).toBe(
      'An application credential named by name needs the user name (or user ID) too.',
    );
    expect(m.check(password, { authUrl: 'https://keystone.example.com:5000/v2.0/' })).toMatch(/v2\.0 API/);
    expect(m.check(password, { authUrl: 'keystone:5000' })).toMatch(/http\(s\) address/);
    expect(Value.Check(m.credentials, { ...password, token: 'x' })).toBe(false);
    expect(Value.Check(m.config, { ...cfg, interface: 'private' })).toBe(false);
  });

  it('drops blank fields and trims names, never a password', () => {
    expect(
      m.normalize({ username: ' demo ', password: ' pw ', userDomainName: '', projectName: 'demo' }),
    ).toEqual({
      username: 'demo',
      password: ' pw ',
      projectName: 'demo',
    });
  });

  it('gives every form field a description and a widget', () => {
    for (const schema of [m.credentials, m.config])
      for (const [key, field] of Object.entries(
        schema.properties as Record<string, { description?: string; ui?: { widget?: string } }>,
      )) {
        expect(field.description, key).toBeTruthy();
        expect(field.ui?.widget, key).toBeTruthy();
      }
  });
});
