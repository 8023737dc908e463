import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { COMMON_PASSWORDS } from './common-passwords';

// argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): slow enough to hurt guessing,
// small enough that a burst of logins stays inside the api's memory budget.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password: verifying against it costs the same as a real one, so
 * "unknown email" and "wrong password" take the same time. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}`);
  return dummyHash;
}

/** The default shortest password; settings (passwords.minLength) may ask for more. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};

/** The forms of a password a guesser's list would hold: as typed, its stem without digits and
 * symbols around it, with letter swaps undone, and without separators. */
function guessableForms(password: string): string[] {
  const lower = password.toLowerCase();
  const stem = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const unswapped = [...lower.replace(/^[\d\W_]+(?=\D)|[\d\W_]+$/g, '')].map((c) => LEET[c] ?? c).join('');
  return [lower, stem, unswapped, unswapped.replace(/1/g, 'l'), unswapped.replace(/[^\p{L}\d]/gu, '')];
}

// Keyboard rows and columns, the alphabet and the digits, as people walk them.
const WALKS = [
  'abcdefghijklmnopqrstuvwxyz',
  '12345678901234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9',
  'zaq12wsxcde34rfvbgt56yhnmju78ik',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  'qazwsxedcrfvtgbyhnujmikolp',
  '!@#$%^&*()_+',
];
const reversed = (s: string) => [...s].reverse().join('');

/** A repeated piece (aaaaaaaaaa, abcabcabca), a walk (1234567890, qwertyuiop), or few distinct characters. */
function isSimplePattern(password: string): boolean {
  const lower = password.toLowerCase();
  if (new Set(lower).size < 4) return true;
  for (let unit = 1; unit <= lower.length / 2; unit++) {
    if (
      lower
        .slice(0, unit)
        .repeat(Math.ceil(lower.length / unit))
        .startsWith(lower)
    )
      return true;
  }
  return WALKS.some((walk) => walk.includes(lower) || reversed(walk).includes(lower));
}

/** Returns a message saying what is wrong, or null when the password is acceptable. */
export function passwordProblem(password: string, minLength = PASSWORD_MIN_LENGTH): string | null {
  if (password.length < minLength) return `The password must have at least ${minLength} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isSimplePattern(password)) {
    return 'This password is a simple pattern (repeated characters, a sequence or a keyboard row); choose one that is harder to guess, such as a few unrelated words.';
  }
  if (guessableForms(password).some((form) => COMMON_PASSWORDS.has(form))) {
    return 'This password is among the most common ones, which are guessed first; choose one that is harder to guess, such as a few unrelated words.';
  }
  return null;
}

/** A readable random password for `adduser` when no terminal can ask for one. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
