import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';

/** The "error: ..." lines virsh printed, without the prefix, in order. */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.slice('error:'.length).trim())
    .filter((l) => l.length > 0);
}

// Ordered: the first rule that matches any line decides. Words are libvirt's own.
const RULES: [ProviderErrorKind, RegExp][] = [
  [
    'auth',
    /authentication (failed|unavailable|required)|permission denied|access denied|not authorized|polkit/i,
  ],
  [
    'not-found',
    /not found|failed to get (domain|vol|pool|network)|no (domain|storage vol(ume)?|storage pool|network) with matching|cannot (access|open) storage (file|volume)|no such file/i,
  ],
  [
    'conflict',
    /already exists|is already in use|already defined|domain .* already exists|operation failed: .*exists/i,
  ],
  [
    'invalid',
    /already (active|running|paused)|is not running|not (active|running)|Requested operation is not valid|cannot rename active|is not paused|unsupported|not supported|XML error|invalid argument|failed to validate|expected syntax|unknown command|doesn't support option|unknown option|no connection driver available|invalid (uri|connection)|config(uration)? unsupported|out of range/i,
  ],
  [
    'unavailable',
    /failed to connect|Cannot recv data|End of file while reading|Connection (refused|reset)|timed out|internal error|cannot acquire|Unable to connect|no route|Resource temporarily unavailable|is locked/i,
  ],
];

const AUTH = RULES[0]?.[1] as RegExp;

/** virsh could not reach the hypervisor at all: a credentials, address or daemon problem. */
function connectionKind(text: string): ProviderErrorKind {
  if (AUTH.test(text)) return 'auth';
  if (/no connection driver available|invalid (uri|connection)|unsupported/i.test(text)) return 'invalid';
  return 'unavailable';
}

/** Turns virsh's stderr into a ProviderError that keeps libvirt's words. */
export function virshError(stderr: string, fallback = 'virsh failed'): ProviderError {
  const lines = errorLines(stderr);
  const candidates = lines.length > 0 ? lines : [stderr.trim() || fallback];
  const message = [...new Set(candidates)].join(': ');
  const kind = /failed to connect to the hypervisor/i.test(message)
    ? connectionKind(message)
    : (RULES.find(([, re]) => candidates.some((l) => re.test(l)))?.[0] ?? 'invalid');
  return new ProviderError(kind, message, { code: 'virsh' });
}
