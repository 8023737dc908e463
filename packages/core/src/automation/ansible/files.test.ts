import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { extraVarsText, hostAliases, inventoryText, knownHostsText, sshArgs } from './files';
import { hostOfLine, LineSplitter, recapOfLine } from './output';

const host = {
  alias: 'web-1',
  address: '127.0.0.2',
  port: 2222,
  user: "{{ lookup('pipe', 'id') }}",
  keyFile: '/tmp/run/keys/web-1',
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64',
};

describe('the files of a playbook run', () => {
  it('trusts exactly the pinned key of each host, under its alias, and nothing else', () => {
    expect(knownHostsText([host])).toBe('web-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64\n');
    const args = sshArgs('/tmp/run');
    expect(args).toContain('-o StrictHostKeyChecking=yes');
    expect(args).toContain('-o UserKnownHostsFile=/tmp/run/known_hosts');
    expect(args).toContain('-o GlobalKnownHostsFile=/dev/null');
    expect(args).toContain('-o IdentityAgent=none');
    expect(inventoryText([host])).toContain('ansible_ssh_common_args: !unsafe "-o HostKeyAlias=web-1"');
  });

  it('marks every inventory value and parameter !unsafe, so Ansible never templates them', () => {
    const inventory = parseDocument(inventoryText([host]), {
      customTags: [{ tag: '!unsafe', resolve: (s: string) => s }],
    });
    expect(inventory.errors).toEqual([]);
    expect(inventory.toJS().all.hosts['web-1']).toMatchObject({
      ansible_host: '127.0.0.2',
      ansible_port: 2222,
      ansible_user: host.user,
    });
    expect(inventoryText([host])).toMatch(/ansible_user: !unsafe "\{\{ lookup/);
    const vars = extraVarsText({ GREETING: 'it\'s "{{ x }}"\nline two', null: 'n' });
    expect(vars).toBe('"GREETING": !unsafe "it\'s \\"{{ x }}\\"\\nline two"\n"null": !unsafe "n"\n');
    const parsed = parseDocument(vars, {
      customTags: [{ tag: '!unsafe', resolve: (s: string) => s }],
    }).toJS();
    expect(parsed).toEqual({ GREETING: 'it\'s "{{ x }}"\nline two', null: 'n' });
  });

  it('names hosts by their plain, unique names, else from their ids', () => {
    const aliases = hostAliases([
      { id: 'aaaaaaaa-1', name: 'web-1' },
      { id: 'bbbbbbbb-2', name: 'web-1' },
      { id: 'cccccccc-3', name: '$(reboot) x' },
    ]);
    expect([...aliases.values()]).toEqual(['web-1', 'machine-bbbbbbbb', 'machine-cccccccc']);
  });
});

describe('reading the output', () => {
  it('finds the host of a line and the recap', () => {
    expect(hostOfLine('ok: [web-1]\n')).toBe('web-1');
    expect(hostOfLine('fatal: [web-1]: FAILED! => {"rc": 1}\n')).toBe('web-1');
    expect(hostOfLine('changed: [web-1 -> localhost] => (item=a)\n')).toBe('web-1');
    expect(hostOfLine('TASK [ping] ****\n')).toBeNull();
    const line = 'web-1                      : ok=1    changed=0    unreachable=0    failed=1    skipped=0\n';
    expect(hostOfLine(line)).toBe('web-1');
    expect(recapOfLine(line)).toEqual(['web-1', { ok: 1, changed: 0, unreachable: 0, failed: 1 }]);
  });

  it('splits chunks into whole lines', () => {
    const lines: string[] = [];
    const split = new LineSplitter((l) => lines.push(l));
    split.push('ok: [a');
    split.push(']\nTASK');
    split.push(' [x]\nrest');
    split.end();
    expect(lines).toEqual(['ok: [a]\n', 'TASK [x]\n', 'rest']);
  });
});
