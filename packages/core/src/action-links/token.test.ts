import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actionLinkKey, signActionLink, verifyActionLink } from './token';

const key = actionLinkKey('a session secret of at least thirty-two characters');
const claims = {
  organizationId: randomUUID(),
  incidentId: randomUUID(),
  machineId: randomUUID(),
  action: 'reboot' as const,
};

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('action link tokens', () => {
  it('carry what they were signed for, with a fresh id each time', () => {
    const a = verifyActionLink(key, signActionLink(key, claims, 3600));
    const b = verifyActionLink(key, signActionLink(key, claims, 3600));
    expect(a).toMatchObject(claims);
    expect(a.tokenId).not.toBe(b.tokenId);
    expect(a.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('refuse another key, any changed character, and expiry', () => {
    const token = signActionLink(key, claims, 3600);
    expect(
      codeOf(() => verifyActionLink(actionLinkKey('another secret, also thirty-two chars'), token)),
    ).toBe('action_link_invalid');
    for (let i = 3; i < token.length; i += 7) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(
        codeOf(() => verifyActionLink(key, changed)),
        `changed at ${i}`,
      ).toBe('action_link_invalid');
    }
    expect(codeOf(() => verifyActionLink(key, `${token}.x`))).toBe('action_link_invalid');
    expect(codeOf(() => verifyActionLink(key, 'v1..'))).toBe('action_link_invalid');
    const old = signActionLink(key, claims, 60, Date.now() - 120_000);
    expect(codeOf(() => verifyActionLink(key, old))).toBe('action_link_expired');
  });
});
