// The emulated API server's Services and NetworkPolicies, as the Kubernetes API admits them.

import { describe, expect, it } from 'vitest';
import { Cluster, KubeError } from './cluster';
import { createPolicy, createService, replacePolicy } from './network-policies';

const cluster = () => {
  const c = new Cluster();
  c.addNamespace('web');
  return c;
};

describe('emulated NetworkPolicies and Services', () => {
  it('gives a LoadBalancer Service node ports and an address, and refuses an unknown type', () => {
    const c = cluster();
    const svc = createService(c, 'web', {
      metadata: { name: 'ssh' },
      spec: { type: 'LoadBalancer', selector: { app: 'a' }, ports: [{ port: 22 }] },
    });
    expect(svc.spec.ports).toEqual([
      { protocol: 'TCP', port: 22, targetPort: 22, nodePort: expect.any(Number) },
    ]);
    expect(svc.status.loadBalancer.ingress).toHaveLength(1);
    expect(() =>
      createService(c, 'web', { metadata: { name: 'odd' }, spec: { type: 'Gateway', ports: [{ port: 1 }] } }),
    ).toThrow(/spec.type/);
  });

  it('admits a policy, refuses a bad CIDR, and replaces only at the version read', () => {
    const c = cluster();
    const made = createPolicy(c, 'web', { metadata: { name: 'p' }, spec: { podSelector: {}, ingress: [] } });
    expect(made.spec.policyTypes).toEqual(['Ingress']);
    expect(() =>
      createPolicy(c, 'web', {
        metadata: { name: 'q' },
        spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'ten' } }] }] },
      }),
    ).toThrow(/ipBlock.cidr/);
    const stale = made.metadata.resourceVersion;
    replacePolicy(c, 'web', 'p', {
      metadata: { name: 'p', resourceVersion: stale },
      spec: { podSelector: {} },
    });
    let refused: unknown;
    try {
      replacePolicy(c, 'web', 'p', {
        metadata: { name: 'p', resourceVersion: stale },
        spec: { podSelector: {} },
      });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(KubeError);
    expect((refused as KubeError).code).toBe(409);
  });
});
