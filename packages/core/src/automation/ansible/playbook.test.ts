import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import { checkPlaybook, parseRequirements } from './playbook';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('not refused');
};

describe('checkPlaybook', () => {
  it('accepts a list of plays', () => {
    expect(() =>
      checkPlaybook('- hosts: all\n  tasks:\n    - ansible.builtin.ping:\n- import_playbook: other.yml\n'),
    ).not.toThrow();
  });

  it('names the line of a YAML error', () => {
    const err = refusal(() =>
      checkPlaybook('- hosts: all\n  tasks:\n    - name: x\n      shell: "unclosed\n'),
    );
    expect(err.message).toMatch(/^Line [45]: the playbook is not valid YAML/);
    expect(err.field).toBe('body.body');
  });

  it('refuses a mapping, an empty list and a play without hosts, naming the line', () => {
    expect(refusal(() => checkPlaybook('hosts: all\ntasks: []\n')).message).toMatch(
      /^Line 1: .*list of plays/,
    );
    expect(refusal(() => checkPlaybook('[]\n')).message).toMatch(/^Line 1: the playbook has no plays/);
    expect(refusal(() => checkPlaybook('- hosts: all\n  tasks: []\n- tasks: []\n')).message).toMatch(
      /^Line 3: this play names no hosts/,
    );
    expect(refusal(() => checkPlaybook('- hosts: all\n- just text\n')).message).toMatch(/^Line 2:/);
  });
});

describe('parseRequirements', () => {
  it('reads collections by name or with a version', () => {
    expect(
      parseRequirements('collections:\n  - community.general\n  - name: ansible.posix\n    version: 1.5.1\n'),
    ).toEqual([{ name: 'community.general' }, { name: 'ansible.posix', version: '1.5.1' }]);
    expect(parseRequirements('')).toEqual([]);
  });

  it('refuses what would download: roles, sources, unknown keys', () => {
    expect(refusal(() => parseRequirements('roles:\n  - geerlingguy.docker\n')).message).toMatch(
      /Roles are not installed/,
    );
    expect(
      refusal(() => parseRequirements('collections:\n  - name: my.coll\n    source: https://example.com\n'))
        .message,
    ).toMatch(/source would download/);
    expect(refusal(() => parseRequirements('collections:\n  - "not a name"\n')).message).toMatch(
      /namespace\.collection/,
    );
    expect(refusal(() => parseRequirements('collections: [\n')).message).toMatch(/line \d/);
  });
});
