import { randomBytes } from 'node:crypto';
import type { SignalName } from './channel';

/**
 * Every command we start carries this variable with a value unique to it, and so do all its
 * children. OpenSSH delivers "signal" requests only when the session runs with privilege
 * separation, which it skips for root logins, so a signal request alone often does nothing;
 * finding the processes by this mark and signalling them from a second channel always works.
 */
export const RUN_ID_VARIABLE = 'OVERCAST_RUN_ID';

export const newRunId = (): string => randomBytes(12).toString('hex');

/**
 * Signals every process carrying the run id (Linux /proc): the login shell has it in its command
 * line (`export ...=id; command`), everything it starts has it in its environment. The bracket
 * keeps grep from matching its own arguments. Sent on stdin to `sh -s` so it works whatever the
 * login shell is; `$1` is the id, `$2` the signal.
 */
const MARK_PATTERN = `${RUN_ID_VARIABLE.slice(0, -1)}[${RUN_ID_VARIABLE.slice(-1)}]`;
export const KILL_SCRIPT = `
pids=$(grep -l -a -e "${MARK_PATTERN}=$1" /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | sed -e 's#^/proc/##' -e 's#/[a-z]*$##' | sort -u)
[ -n "$pids" ] && kill -s "$2" $pids 2>/dev/null
exit 0
`;

export const killCommand = (runId: string, signal: SignalName): string => `sh -s ${runId} ${signal}`;
