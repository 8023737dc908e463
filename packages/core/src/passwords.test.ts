import { describe, expect, it } from 'vitest';
import { passwordProblem } from './passwords';

describe('passwordProblem', () => {
  it('refuses the passwords guessed first, in their usual disguises', () => {
    for (const weak of [
      'password12',
      'Password123!',
      'P@ssw0rd2024',
      'iloveyou12',
      'michael1987',
      'Summer2024!',
      'football!!',
      'letmein1234',
      'asdfghjkl;',
    ]) {
      expect(passwordProblem(weak), weak).toMatch(/most common/);
    }
  });

  it('refuses repeated characters, sequences and keyboard rows at any length', () => {
    for (const simple of [
      'aaaaaaaaaa',
      'aaaaaaaaaaaaaaaaaaaaaaaa',
      'abababababab',
      'abcabcabca',
      '1234567890',
      '0987654321',
      'abcdefghijkl',
      'qwertyuiop',
      'trustno1trustno1',
      '1q2w3e4r5t',
      'zaq12wsxcde3',
    ]) {
      expect(passwordProblem(simple), simple).toMatch(/simple pattern/);
    }
  });

  it('asks for the minimum length, which settings may raise', () => {
    expect(passwordProblem('Xk3#vR9q')).toBe('The password must have at least 10 characters.');
    expect(passwordProblem('Xk3#vR9qL!w2', 14)).toBe('The password must have at least 14 characters.');
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
  });

  it('accepts passphrases and random passwords', () => {
    for (const good of [
      'correct horse battery staple',
      'Tr0ub4dor&3x',
      'monkey-business-2024',
      'vR9q-Lw2x-Kk3d',
      'long enough password',
    ]) {
      expect(passwordProblem(good), good).toBeNull();
    }
  });
});
