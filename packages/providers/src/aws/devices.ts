import type { Instance } from '@aws-sdk/client-ec2';
import { ProviderError } from '@overcast/contracts';

/** The letters EC2 recommends for data volumes on Linux: /dev/sdf ... /dev/sdp. */
const LETTERS = 'fghijklmnop';

/** `/dev/sdf`, `/dev/xvdf` and `xvdf` are the same slot for the instance. */
function slot(device: string): string | undefined {
  return /^(?:\/dev\/)?(?:sd|xvd)([a-z])/.exec(device)?.[1];
}

/** First free data-volume device name on the instance. */
export function freeDevice(instance: Instance): string {
  const used = new Set(
    [instance.RootDeviceName, ...(instance.BlockDeviceMappings ?? []).map((b) => b.DeviceName)]
      .filter((d): d is string => !!d)
      .map(slot),
  );
  for (const letter of LETTERS) if (!used.has(letter)) return `/dev/sd${letter}`;
  throw new ProviderError(
    'conflict',
    `Instance ${instance.InstanceId} has no free device name for another volume`,
  );
}
