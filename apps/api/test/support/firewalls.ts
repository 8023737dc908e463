import { expect } from 'vitest';
import { send, type TestApi } from './harness';

// What every provider's firewall test checks through the api the same way: the SSH-to-the-world
// rule refused until acknowledged, written, shown on the exposure card and removed; and a viewer
// or another organization changing nothing.

/** SSH open to the whole internet: the rule the exposure check is about. */
export const SSH_WORLD = {
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  cidrs: ['0.0.0.0/0'],
};

export interface FirewallUnderTest {
  api: TestApi;
  cookie: string;
  /** The firewall's id in Overcast. */
  id: string;
  /** The firewall's ports as the provider holds them now. */
  ports: () => unknown[];
}

const rules = (fw: FirewallUnderTest, part: string, body: object, as = fw.cookie) =>
  send(fw.api, as, 'POST', `/api/v1/firewalls/${fw.id}/${part}`, body);

/** Adds SSH to the world (refused until acknowledged), sees `exposed` on the card, removes it. */
export async function sshExposureRoundTrip(
  fw: FirewallUnderTest,
  ports: { before: unknown[]; with: unknown[] },
  exposed: string[],
) {
  const refused = await rules(fw, 'rules', { rule: SSH_WORLD });
  expect(refused.statusCode).toBe(409);
  expect(refused.json().error).toMatchObject({ code: 'exposure_not_acknowledged', field: 'body.rule.cidrs' });
  expect(fw.ports()).toEqual(ports.before);

  const added = await rules(fw, 'rules', { rule: SSH_WORLD, acknowledgeExposure: true });
  expect(added.statusCode, added.body).toBe(200);
  expect(added.json().warnings).toEqual([expect.stringMatching(/22/)]);
  expect(fw.ports()).toEqual(ports.with);
  const card = (await send(fw.api, fw.cookie, 'GET', '/api/v1/firewalls/exposure')).json().machines;
  expect(card.map((m: { name: string }) => m.name).sort()).toEqual([...exposed].sort());

  const removed = await rules(fw, 'rules/remove', { rule: SSH_WORLD });
  expect(removed.statusCode, removed.body).toBe(200);
  expect(fw.ports()).toEqual(ports.before);
}

/** A viewer's rule change is a 403 and another organization's a 404; neither reaches the provider. */
export async function ruleChangeRefusedToOthers(
  fw: FirewallUnderTest,
  who: { viewer: string; stranger: string },
  requests: () => number,
) {
  const before = requests();
  const ports = fw.ports();
  const https = { ...SSH_WORLD, fromPort: 8443, toPort: 8443 };
  expect((await rules(fw, 'rules', { rule: https }, who.viewer)).statusCode).toBe(403);
  expect((await rules(fw, 'rules', { rule: https }, who.stranger)).statusCode).toBe(404);
  expect(requests()).toBe(before);
  expect(fw.ports()).toEqual(ports);
}

/** The names of the machines on the exposure card (reachable from the internet on 22). */
export async function exposedNames(api: TestApi, cookie: string): Promise<string[]> {
  const card = (await send(api, cookie, 'GET', '/api/v1/firewalls/exposure')).json();
  return card.machines.map((m: { name: string }) => m.name).sort();
}

/** A networked cloud as the api lists it to `cookie`: its networks, and a firewall by its provider id. */
export function listedNetworking(api: TestApi, cookie: string, cloudId: () => string) {
  const get = async (path: string) =>
    (await send(api, cookie, 'GET', `/api/v1/${path}?cloud=${cloudId()}`)).json().items;
  const firewall = async (externalId: number | string) =>
    (await get('firewalls')).find((f: { externalId: string }) => f.externalId === String(externalId));
  return {
    networks: () => get('networks'),
    firewall,
    /** The firewall as the shared checks take it, its ports read at the provider by `ports`. */
    underTest: async (externalId: number | string, ports: () => unknown[]): Promise<FirewallUnderTest> => ({
      api,
      cookie,
      id: (await firewall(externalId)).id,
      ports,
    }),
  };
}
