import type { DriverInit, ProviderDriver } from '@overcast/contracts';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { Ec2Api } from './api';
import { type AwsCredentials, readConfig, readCredentials } from './config';
import { Route53Dns } from './dns';
import { AwsDriver } from './driver';

export type { AwsCredentials, AwsDriverConfig } from './config';
export { DEFAULT_IMAGE_NAMES, DEFAULT_IMAGE_OWNERS } from './config';
export { mapInstanceState } from './map-machine';

/**
 * The AWS EC2 driver. `init.endpoint` points it at an EC2-compatible endpoint (the emulator,
 * or another cloud speaking EC2); `init.config` is read as AwsDriverConfig.
 */
export function createAwsDriver(init: DriverInit<AwsCredentials>): ProviderDriver {
  const config = readConfig(init.config);
  const credentials = readCredentials(init.credentials);
  const api = new Ec2Api(credentials, init.endpoint ?? undefined, config, init.lookup);
  const driver = new AwsDriver(api, config);
  return withDns(
    withNetworks(driver, driver.networks),
    new Route53Dns(credentials, init.endpoint ?? undefined, config, init.lookup),
  );
}
