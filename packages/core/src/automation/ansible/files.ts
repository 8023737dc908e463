// The files one ansible-playbook run reads: inventory, known_hosts, extra variables. Pure text;
// run.ts writes them into the run's private directory.

/** One machine as Ansible reaches it, after Overcast itself logged in and checked its host key. */
export interface PlaybookHost {
  /** The inventory name: safe characters only, unique in the run. */
  alias: string;
  /** The address the check connected to (never re-resolved by Ansible). */
  address: string;
  port: number;
  user: string;
  /** Path of the private key file. */
  keyFile: string;
  /** The pinned host key, "ssh-ed25519 AAAA...". */
  hostKey: string;
}

/**
 * A YAML string Ansible never templates: inventory values and parameters come from people who
 * may not write playbooks, and a "{{ lookup('pipe', ...) }}" in them would otherwise run on the
 * worker. A JSON string is a valid YAML double-quoted scalar.
 */
const unsafe = (value: string) => `!unsafe ${JSON.stringify(value)}`;

const SAFE_ALIAS = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Inventory names for machines: their own name where it is plain and unique, else one from the id. */
export function hostAliases(machines: { id: string; name: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const m of machines) {
    let alias = SAFE_ALIAS.test(m.name) && !used.has(m.name) ? m.name : `machine-${m.id.slice(0, 8)}`;
    for (let n = 2; used.has(alias); n++) alias = `machine-${m.id.slice(0, 8)}-${n}`;
    used.add(alias);
    out.set(m.id, alias);
  }
  return out;
}

/** The ssh options every host shares; each host adds its HostKeyAlias. */
export function sshArgs(dir: string): string {
  return [
    '-F /dev/null',
    '-o ControlMaster=no',
    // Exactly the pinned keys, nothing learnt, nothing from the worker's own files.
    '-o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${dir}/known_hosts`,
    '-o GlobalKnownHostsFile=/dev/null',
    '-o UpdateHostKeys=no',
    '-o CheckHostIP=no',
    // Only the organization's key for the machine: no agent, no other keys, no prompts.
    '-o IdentitiesOnly=yes',
    '-o IdentityAgent=none',
    '-o BatchMode=yes',
    '-o PasswordAuthentication=no',
    '-o KbdInteractiveAuthentication=no',
    '-o ConnectTimeout=15',
    '-o ServerAliveInterval=15',
  ].join(' ');
}

/** A YAML inventory of the hosts, every value untemplated. */
export function inventoryText(hosts: PlaybookHost[]): string {
  const lines = ['all:', '  hosts:'];
  for (const h of hosts) {
    lines.push(
      `    ${h.alias}:`,
      `      ansible_host: ${unsafe(h.address)}`,
      `      ansible_port: ${h.port}`,
      `      ansible_user: ${unsafe(h.user)}`,
      `      ansible_ssh_private_key_file: ${unsafe(h.keyFile)}`,
      `      ansible_ssh_common_args: ${unsafe(`-o HostKeyAlias=${h.alias}`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line per host, under its alias (HostKeyAlias), with exactly the key pinned for it. */
export function knownHostsText(hosts: PlaybookHost[]): string {
  return hosts.map((h) => `${h.alias} ${h.hostKey}\n`).join('');
}

/** The run's parameters as extra variables, each untemplated. */
export function extraVarsText(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${JSON.stringify(name)}: ${unsafe(value)}\n`)
    .join('');
}
