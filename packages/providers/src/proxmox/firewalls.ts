// The Proxmox firewall as Overcast's firewalls: each security group (`/cluster/firewall/groups`)
// and each guest's own rules (`…/{qemu|lxc}/{vmid}/firewall/rules`). A group applies to the
// guests whose rules name it (`type` group) while their firewall is on (`options.enable`).
//
// A guest whose firewall is off is filtered by nothing, and one whose `policy_in` is ACCEPT lets
// in what no rule drops: its firewall then shows, before its own rules, the rule that says so
// (every protocol from anywhere), so the exposure check lists it among the machines open to the
// internet on 22 and 3389. That rule is not Proxmox's to remove: turning the firewall on is.
//
// Rules are addressed by position, which shifts when one before is deleted: each delete is made
// with the digest of the list it was read from, and the list is read again after it.

import {
  type FirewallDriver,
  type FirewallRule,
  ProviderError,
  type RemoteFirewall,
  sameFirewallRule,
} from '@overcast/contracts';
import { mapInOrder } from '../common/batches';
import type { PveClient } from './client';
import { ANYWHERE, type PveRule, readRule, ruleWords, writeRule } from './firewall-rules';
import { clusterGuests } from './guests';
import type { PveResource } from './map';

interface PveGroup {
  group?: string;
  comment?: string;
}

interface PveOptions {
  enable?: number;
  policy_in?: string;
}

const OPEN: FirewallRule = {
  direction: 'ingress',
  protocol: 'all',
  fromPort: null,
  toPort: null,
  cidrs: ANYWHERE,
};
const GROUP_ID = /^group\/([A-Za-z][A-Za-z0-9_-]+)$/;
const GUEST_ID = /^(qemu|lxc)\/([1-9]\d{2,8})$/;
/** A write made from a list that changed meanwhile; read it again and redo. */
const MODIFIED = /modified configuration/i;
const ATTEMPTS = 3;

const label = (g: PveResource) => `${g.type === 'lxc' ? 'CT' : 'VM'} ${g.vmid}`;
const guestBase = (g: PveResource) => `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}/firewall`;

export class ProxmoxFirewalls implements FirewallDriver {
  constructor(
    private readonly api: PveClient,
    private readonly concurrency: number,
  ) {}

  private rules(base: string, signal?: AbortSignal) {
    return this.api.request<PveRule[] | null>('GET', base, { signal }).then((r) => r ?? []);
  }

  async listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    const groups =
      (await this.api.request<PveGroup[] | null>('GET', '/cluster/firewall/groups', { signal })) ?? [];
    const guests = (await clusterGuests(this.api, signal)).filter((g) => g.template !== 1);
    const groupRules = await mapInOrder(
      groups.filter((g) => typeof g.group === 'string'),
      this.concurrency,
      async (g) => ({
        g,
        rules: await this.rules(`/cluster/firewall/groups/${encodeURIComponent(g.group!)}`, signal),
      }),
      signal,
    );
    const guestFirewalls = await mapInOrder(
      guests,
      this.concurrency,
      async (g) => ({
        g,
        options:
          (await this.api.request<PveOptions | null>('GET', `${guestBase(g)}/options`, { signal })) ?? {},
        rules: await this.rules(`${guestBase(g)}/rules`, signal),
      }),
      signal,
    );
    const shown = (rules: PveRule[]) => ({
      rules: rules.flatMap(readRule),
      otherRules: rules.filter((r) => readRule(r).length === 0).map(ruleWords),
    });
    const fromGroups = groupRules.map(({ g, rules }): RemoteFirewall => {
      const { rules: allow, otherRules } = shown(rules);
      return {
        externalId: `group/${g.group}`,
        name: g.group!,
        description:
          g.comment?.trim() ||
          'Security group: applies to the guests whose firewall rules name it, while their firewall is on.',
        networkId: null,
        rules: allow,
        machineIds: guestFirewalls
          .filter(
            (f) =>
              f.options.enable === 1 &&
              f.rules.some((r) => r.type === 'group' && r.action === g.group && r.enable === 1),
          )
          .map((f) => String(f.g.vmid)),
        extra: { group: g.group, otherRules },
      };
    });
    const ofGuests = guestFirewalls.map(({ g, options, rules }): RemoteFirewall => {
      const { rules: allow, otherRules } = shown(rules);
      const on = options.enable === 1;
      const open = !on || options.policy_in === 'ACCEPT';
      return {
        externalId: `${g.type}/${g.vmid}`,
        name: `${g.name ?? label(g)} (${label(g)})`,
        description: !on
          ? `The firewall of ${label(g)} is off: nothing is filtered and every port is open. Turn it on in Proxmox (${label(g)} > Firewall > Options) for its rules to apply.`
          : open
            ? `The input policy of ${label(g)} is ACCEPT: what no rule drops is let in.`
            : `The firewall of ${label(g)}: what no rule accepts is dropped.`,
        networkId: null,
        rules: open ? [OPEN, ...allow] : allow,
        machineIds: [String(g.vmid)],
        extra: {
          node: g.node,
          enabled: on,
          policyIn: options.policy_in ?? 'DROP',
          groups: rules.filter((r) => r.type === 'group' && r.enable === 1).map((r) => r.action),
          otherRules,
        },
      };
    });
    return [...fromGroups, ...ofGuests];
  }

  /** The rule list's path for a firewall id: `group/<name>` or `qemu|lxc/<vmid>`. */
  private async base(firewallId: string): Promise<{ path: string; owner: string }> {
    const group = GROUP_ID.exec(firewallId)?.[1];
    if (group)
      return {
        path: `/cluster/firewall/groups/${encodeURIComponent(group)}`,
        owner: `Security group '${group}'`,
      };
    const [, type, vmid] = GUEST_ID.exec(firewallId) ?? [];
    if (!type)
      throw new ProviderError(
        'invalid',
        `'${firewallId}' is not a Proxmox firewall id (group/<name>, qemu/<vmid>).`,
      );
    const g = (await clusterGuests(this.api)).find((x) => x.type === type && x.vmid === Number(vmid));
    if (!g)
      throw new ProviderError(
        'not-found',
        `${type === 'lxc' ? 'CT' : 'VM'} ${vmid} does not exist in this cluster.`,
      );
    return { path: `${guestBase(g)}/rules`, owner: `The firewall of ${label(g)}` };
  }

  /** Redoes `write` on a fresh read when Proxmox says the list changed under it. */
  private async fresh<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof ProviderError && MODIFIED.test(err.message)) || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  /** Added first in the list (Proxmox's default position), enabled, with the list's digest. */
  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const params = writeRule(rule);
    const { path, owner } = await this.base(firewallId);
    await this.fresh(async () => {
      const held = await this.rules(path);
      if (held.some((r) => readRule(r).some((h) => sameFirewallRule(h, rule))))
        throw new ProviderError('conflict', `${owner} already has that rule.`);
      await this.api.request('POST', path, { params: { ...params, digest: held[0]?.digest } });
    });
  }

  /**
   * Deletes every Proxmox rule that is `rule`, one at a time: each by its position in the list
   * just read and that list's digest, so a shift cannot delete another rule.
   */
  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const { path, owner } = await this.base(firewallId);
    const matching = (held: PveRule[]) =>
      held.filter((r) => readRule(r).some((h) => sameFirewallRule(h, rule)));
    let removed = 0;
    for (;;) {
      const done = await this.fresh(async () => {
        const held = await this.rules(path);
        const target = matching(held)[0];
        if (!target) return true;
        if (readRule(target).length > 1)
          throw new ProviderError(
            'invalid',
            `${owner} has that rule as part of one for ports ${target.dport}: change it in Proxmox.`,
          );
        await this.api.request('DELETE', `${path}/${target.pos}`, { params: { digest: target.digest } });
        return false;
      });
      if (done) break;
      removed++;
    }
    if (removed > 0) return;
    if (sameFirewallRule(rule, OPEN) && GUEST_ID.test(firewallId))
      throw new ProviderError(
        'invalid',
        `${owner} lets everything in because it is off or its input policy is ACCEPT: turn it on with policy DROP in Proxmox.`,
      );
    throw new ProviderError('not-found', `${owner} has no such rule.`);
  }
}
