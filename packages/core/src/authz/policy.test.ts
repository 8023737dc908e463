import { describe, expect, it } from 'vitest';
import { decide, needsScope, type Policy, type Principal, parsePolicies, permissionsOf } from './policy';
import { policyFilter } from './sql';

const allow = (p: Partial<Policy>): Policy => ({
  effect: 'allow',
  action: '*',
  kind: '*',
  cloudIds: [],
  tags: {},
  ...p,
});
const deny = (p: Partial<Policy>): Policy => ({ ...allow(p), effect: 'deny' });
const member = (...policies: Policy[]): Principal => ({ role: 'member', policies });

describe('decide', () => {
  it('owners and admins may do everything, whatever their teams say', () => {
    for (const role of ['owner', 'admin'] as const) {
      expect(decide({ role, policies: [deny({})] }, 'machines', 'delete', { cloudId: 'c' })).toBe(true);
    }
  });

  it('without team policies the role decides: members act on machines but do not add clouds; viewers only read', () => {
    expect(decide(member(), 'machines', 'act')).toBe(true);
    expect(decide(member(), 'clouds', 'create')).toBe(false);
    expect(decide(member(), 'keys', 'delete')).toBe(false);
    expect(decide({ role: 'viewer', policies: [] }, 'machines', 'read')).toBe(true);
    expect(decide({ role: 'viewer', policies: [] }, 'machines', 'act')).toBe(false);
  });

  it('a viewer stays read-only even when a policy allows more', () => {
    expect(decide({ role: 'viewer', policies: [allow({})] }, 'machines', 'act')).toBe(false);
    expect(decide({ role: 'viewer', policies: [allow({})] }, 'machines', 'read')).toBe(true);
  });

  it('with policies, what is not granted is refused', () => {
    const p = member(allow({ kind: 'machines', action: 'read' }));
    expect(decide(p, 'machines', 'read')).toBe(true);
    expect(decide(p, 'machines', 'act')).toBe(false);
    expect(decide(p, 'volumes', 'read')).toBe(false);
  });

  it('tag-limited grants match resources carrying every tag; an empty value matches any value', () => {
    const p = member(allow({ kind: 'machines', action: 'act', tags: { env: 'prod', team: '' } }));
    expect(decide(p, 'machines', 'act', { cloudId: 'c', tags: { env: 'prod', team: 'web' } })).toBe(true);
    expect(decide(p, 'machines', 'act', { cloudId: 'c', tags: { env: 'prod' } })).toBe(false);
    expect(decide(p, 'machines', 'act', { cloudId: 'c', tags: { env: 'dev', team: 'web' } })).toBe(false);
    // Creating: no tags yet, so a tag-limited grant cannot match.
    expect(decide(p, 'machines', 'act', { cloudId: 'c' })).toBe(false);
    // Kind-wide (a list): the limited grant counts, the list is filtered instead.
    expect(decide(p, 'machines', 'act')).toBe(true);
  });

  it('cloud-limited grants match that cloud only; a cloud is its own cloud', () => {
    const p = member(allow({ kind: '*', action: '*', cloudIds: ['a'] }));
    expect(decide(p, 'machines', 'shell', { cloudId: 'a', tags: {} })).toBe(true);
    expect(decide(p, 'machines', 'shell', { cloudId: 'b', tags: {} })).toBe(false);
    expect(decide(p, 'keys', 'read', { cloudId: null, tags: {} })).toBe(false);
  });

  it('creating a cloud, key or script needs an unlimited grant; machines are created in a cloud', () => {
    const p = member(allow({ cloudIds: ['a'] }));
    expect(decide(p, 'clouds', 'create')).toBe(false);
    expect(decide(p, 'keys', 'create')).toBe(false);
    expect(decide(p, 'machines', 'create')).toBe(true);
    expect(decide(p, 'machines', 'create', { cloudId: 'a' })).toBe(true);
    expect(decide(p, 'machines', 'create', { cloudId: 'b' })).toBe(false);
    expect(decide(member(allow({})), 'clouds', 'create')).toBe(true);
  });

  it('a matching deny wins over any allow; an unlimited deny refuses the whole kind', () => {
    const p = member(allow({}), deny({ kind: 'machines', action: 'delete', tags: { protected: '' } }));
    expect(decide(p, 'machines', 'delete', { cloudId: 'c', tags: { protected: 'yes' } })).toBe(false);
    expect(decide(p, 'machines', 'delete', { cloudId: 'c', tags: {} })).toBe(true);
    expect(decide(p, 'machines', 'delete')).toBe(true);
    expect(decide(member(allow({}), deny({ kind: 'scripts', action: 'run' })), 'scripts', 'run')).toBe(false);
  });

  it('needsScope only when a limited rule could change the answer', () => {
    expect(needsScope(member(), 'machines', 'act')).toBe(false);
    expect(needsScope({ role: 'owner', policies: [allow({ cloudIds: ['a'] })] }, 'machines', 'act')).toBe(
      false,
    );
    expect(needsScope(member(allow({ kind: 'machines' })), 'machines', 'act')).toBe(false);
    expect(needsScope(member(allow({ kind: 'machines', cloudIds: ['a'] })), 'machines', 'act')).toBe(true);
  });

  it('permissionsOf lists what the UI may offer', () => {
    const perms = permissionsOf(
      member(allow({ kind: 'machines', action: 'read' }), allow({ kind: 'scripts', action: 'run' })),
    );
    expect(perms.machines).toEqual(['read']);
    expect(perms.scripts).toEqual(['run']);
    expect(perms.clouds).toEqual([]);
  });

  it('parsePolicies drops malformed rows', () => {
    expect(
      parsePolicies([
        { effect: 'maybe' },
        null,
        { effect: 'allow', action: 'read', kind: 'machines', tags: [] },
      ]),
    ).toEqual([{ effect: 'allow', action: 'read', kind: 'machines', cloudIds: [], tags: {} }]);
    expect(parsePolicies('nope')).toEqual([]);
  });
});

describe('policyFilter', () => {
  const bind = () => {
    const params: unknown[] = [];
    return {
      params,
      fn: (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      },
    };
  };

  it('is null (no filter) for owners and unrestricted members, false when nothing is granted', () => {
    expect(
      policyFilter({ role: 'owner', policies: [], organizationId: 'o' }, 'machines', 'read', 'm', bind().fn),
    ).toBeNull();
    expect(policyFilter({ ...member(), organizationId: 'o' }, 'machines', 'read', 'm', bind().fn)).toBeNull();
    expect(
      policyFilter(
        { ...member(allow({ kind: 'machines' })), organizationId: 'o' },
        'machines',
        'read',
        'm',
        bind().fn,
      ),
    ).toBeNull();
    expect(
      policyFilter(
        { ...member(allow({ kind: 'scripts' })), organizationId: 'o' },
        'machines',
        'read',
        'm',
        bind().fn,
      ),
    ).toBe('false');
  });

  it('binds clouds and tags as parameters, never as SQL text', () => {
    const b = bind();
    const sql = policyFilter(
      {
        ...member(
          allow({ kind: 'machines', cloudIds: ["x'; drop table machines; --"], tags: { "e'v": 'p' } }),
          deny({ tags: { off: '' } }),
        ),
        organizationId: 'org-1',
      },
      'machines',
      'read',
      'm',
      b.fn,
    )!;
    expect(sql).not.toContain('drop table');
    expect(sql).toContain('NOT');
    expect(b.params).toEqual(['org-1', ["x'; drop table machines; --"], "e'v", 'p', 'off']);
  });
});
