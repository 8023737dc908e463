import { node } from '../xml';
import { type ActionContext, checkDryRun } from './context';

/**
 * Elastic IPs. The emulated account allocates none (instances get auto-assigned public
 * addresses, which EC2 does not list here either), so the set is empty; clients such as
 * Libcloud's EC2 driver call this on every node listing to map addresses to instances.
 */
export function describeAddresses({ params }: ActionContext): string {
  checkDryRun(params);
  return node('addressesSet', '');
}
