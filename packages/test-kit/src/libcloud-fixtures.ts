import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Recorded provider responses from Apache Libcloud's test fixtures (Apache-2.0: LICENSE, NOTICE
// and the origin are beside them), kept in the repository so that tests need nothing beside it.
const root = fileURLToPath(new URL('../fixtures/libcloud/', import.meta.url));

export type LibcloudFixtureSet =
  | 'ec2'
  | 'gce'
  | 'digitalocean_v2'
  | 'linode_v4'
  | 'vultr_v2'
  | 'openstack_v1.1'
  | 'openstack_identity'
  | 'azure_arm'
  | 'kubevirt'
  | 'dns/route53'
  | 'dns/google'
  | 'dns/digitalocean'
  | 'dns/linode_v4';

/** The folder of one provider's recorded responses. */
export function libcloudFixtures(set: LibcloudFixtureSet): string {
  return path.join(root, set);
}
