import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CreateFirewallRequest } from './api/networks';
import { networkNameProblem } from './network-names';

describe('networkNameProblem', () => {
  it("takes exactly the names the API's schema takes", () => {
    // The field's own schema: the body's ids are checked by formats the API registers.
    const schema = CreateFirewallRequest.properties.name;
    for (const name of [
      'web',
      'front ssh',
      'db_1.internal-2',
      '',
      '-web',
      ' web',
      'web/1',
      'é',
      'x'.repeat(100),
      'x'.repeat(101),
    ]) {
      expect(networkNameProblem(name) === undefined, JSON.stringify(name)).toBe(Value.Check(schema, name));
    }
  });

  it('says what is wrong in words a form can show', () => {
    expect(networkNameProblem('')).toBe('Give it a name.');
    expect(networkNameProblem('x'.repeat(101))).toBe('At most 100 characters.');
    expect(networkNameProblem('web/1')).toBe(
      'Letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.',
    );
  });
});
