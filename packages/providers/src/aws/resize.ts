import { ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import type { Ec2Api } from './api';
import type { RegionDirectory } from './regions';

/** ModifyInstanceAttribute's instance type; EC2 refuses it unless the instance is stopped. */
export async function resizeInstance(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
  instanceType: string,
): Promise<void> {
  const region = await directory.regionOfInstance(instanceId);
  await api.call(region, (c, o) =>
    c.send(
      new ModifyInstanceAttributeCommand({ InstanceId: instanceId, InstanceType: { Value: instanceType } }),
      o,
    ),
  );
}
