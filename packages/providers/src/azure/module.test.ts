// What the add-cloud form takes for Azure: a service principal with a secret or a certificate,
// and settings whose every field tells the user what to paste.

import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { azureModule } from './module';

const principal = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: 'aaaaaaaa-0000-0000-0000-000000000001',
};

describe('azureModule', () => {
  it('takes a secret or a certificate, not neither nor both', () => {
    expect(Value.Check(azureModule.credentials, { ...principal, clientSecret: 's' })).toBe(true);
    expect(azureModule.check({ ...principal, clientSecret: 's' }, {})).toBeUndefined();
    expect(azureModule.check(principal, {})).toBe('Give a client secret or a client certificate.');
    expect(azureModule.check({ ...principal, clientSecret: 's', clientCertificate: 'x' }, {})).toMatch(
      /not both/,
    );
    expect(azureModule.check({ ...principal, clientCertificate: '-----BEGIN CERTIFICATE-----' }, {})).toMatch(
      /certificate and its private key/,
    );
  });

  it('refuses ids that are not GUIDs, unknown fields and a subnet that is not a subnet id', () => {
    expect(Value.Check(azureModule.credentials, { ...principal, clientId: 'app', clientSecret: 's' })).toBe(
      false,
    );
    expect(Value.Check(azureModule.credentials, { ...principal, clientSecret: 's', extra: 1 })).toBe(false);
    expect(Value.Check(azureModule.config, { subnetId: '/etc/passwd' })).toBe(false);
    expect(
      Value.Check(azureModule.config, {
        subnetId:
          '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/default',
        authorityHost: 'https://login.microsoftonline.us',
      }),
    ).toBe(true);
    expect(Value.Check(azureModule.config, { authorityHost: 'http://login.example' })).toBe(false);
  });

  it('describes and places every field of the form', () => {
    for (const schema of [azureModule.credentials, azureModule.config])
      for (const [name, field] of Object.entries(schema.properties)) {
        expect(field.description?.length, name).toBeGreaterThan(20);
        expect(field.ui?.order, name).toBeTypeOf('number');
      }
    expect(azureModule.features.extraActions).toEqual(['deallocate']);
  });
});
