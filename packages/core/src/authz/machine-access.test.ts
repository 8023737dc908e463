import { describe, expect, it } from 'vitest';
import { machineRightsWith, notAllowedReason, rightForMachineAction } from './machine-access';
import type { Policy, Principal } from './policy';

const rule = (
  effect: Policy['effect'],
  action: Policy['action'],
  tags: Record<string, string> = {},
): Policy => ({
  effect,
  action,
  kind: 'machines',
  cloudIds: [],
  tags,
});

describe('machine rights', () => {
  it('destroying needs delete, renaming edit, every other action act', () => {
    expect(rightForMachineAction('destroy')).toBe('delete');
    expect(rightForMachineAction('rename')).toBe('edit');
    for (const a of ['start', 'stop', 'reboot', 'pause', 'unpause'] as const)
      expect(rightForMachineAction(a)).toBe('act');
  });

  it('what a tag change is compared on: the rights held with the tags before and after it', () => {
    const member: Principal = {
      role: 'member',
      policies: [
        rule('allow', '*'),
        ...(['shell', 'act'] as const).map((a) => rule('deny', a, { env: 'prod' })),
      ],
    };
    const prod = machineRightsWith(member, { cloudId: 'c', tags: { env: 'prod' } });
    const dev = machineRightsWith(member, { cloudId: 'c', tags: { env: 'dev' } });
    expect([...prod].sort()).toEqual(['delete', 'edit', 'read', 'run']);
    expect([...dev].filter((r) => !prod.has(r)).sort()).toEqual(['act', 'shell']);
    // Owners hold everything whatever the tags, so no change of theirs grants anything.
    expect(machineRightsWith({ role: 'owner', policies: [] }, { cloudId: 'c', tags: {} }).size).toBe(6);
  });

  it('a skipped machine says "not allowed", who, and what', () => {
    expect(notAllowedReason('ann@example.com', 'run')).toBe(
      'not allowed: ann@example.com may not run scripts on this machine',
    );
  });
});
