import { missingParameter } from '../errors';
import { instancesIn } from '../instance-ops';
import { isoTime, leaf } from '../xml';
import { type ActionContext, checkDryRun } from './context';

/** EC2 keeps the last 64 KB of an instance's serial output. */
const CONSOLE_BYTES = 64 * 1024;

/** GetConsoleOutput: the instance's serial output, base64, as of now. */
export function getConsoleOutput(ctx: ActionContext): string {
  const id = ctx.params.str('InstanceId');
  if (!id) throw missingParameter('InstanceId');
  const [instance] = instancesIn(ctx.region, [id]);
  checkDryRun(ctx.params);
  const bytes = Buffer.from(instance!.consoleOutput, 'utf8');
  const kept = bytes.subarray(Math.max(0, bytes.length - CONSOLE_BYTES));
  return (
    leaf('instanceId', instance!.id) +
    leaf('timestamp', isoTime(ctx.state.now())) +
    // An instance that never booted has no output: EC2 leaves the element out.
    (kept.length > 0 ? leaf('output', kept.toString('base64')) : '')
  );
}
