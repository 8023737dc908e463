import { describe, expect, it } from 'vitest';
import type { DomainError } from '../errors';
import { parameterValues } from './script-run';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).code;
  }
  return 'accepted';
};

describe('parameterValues', () => {
  const declared = [{ name: 'TAG', default: 'latest' }, { name: 'HOST', required: true }, { name: 'NOTE' }];

  it('fills defaults, keeps given values exactly, leaves optional ones unset', () => {
    expect(parameterValues(declared, { HOST: "a'b; $(x)" })).toEqual({ TAG: 'latest', HOST: "a'b; $(x)" });
    expect(parameterValues(declared, { HOST: 'h', TAG: '' })).toEqual({ TAG: '', HOST: 'h' });
  });

  it('refuses unknown, missing, reserved and NUL-carrying parameters', () => {
    expect(codeOf(() => parameterValues(declared, { HOST: 'h', OTHER: 'x' }))).toBe('unknown_parameter');
    expect(codeOf(() => parameterValues(declared, {}))).toBe('missing_parameter');
    expect(codeOf(() => parameterValues([{ name: 'PATH' }], { PATH: '/tmp' }))).toBe('reserved_parameter');
    expect(codeOf(() => parameterValues(declared, { HOST: 'a\u0000b' }))).toBe('validation_failed');
  });
});
