import type { Database } from '@overcast/db';
import { shellQuote } from '@overcast/ssh';
import { DomainError, notFound } from '../errors';
import { orgMachine } from '../machines/actions';
import type { SecretBox } from '../secrets';
import { connectMachineSsh } from '../terminal/machine-ssh';

export interface RuleScriptResult {
  ok: boolean;
  exitCode: number | null;
  output: string;
}

/** What the incident timeline keeps of a script's output: its end, where errors usually are. */
const OUTPUT_KEEP = 4_096;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * A rule's "run a script" action: the script's current version runs on the one machine over SSH.
 * The body travels on stdin (never through the command line), parameters as environment
 * variables; a script with a #! line runs as its own executable. Killed after `timeoutMs`.
 */
export async function runRuleScript(
  deps: { db: Database; box: SecretBox },
  organizationId: string,
  scriptId: string,
  machineId: string,
  params: Record<string, string>,
  timeoutMs = 300_000,
): Promise<RuleScriptResult> {
  const script = await deps.db.prisma.script.findFirst({ where: { id: scriptId, organizationId } });
  if (!script) throw notFound('Script');
  const version = await deps.db.prisma.scriptVersion.findUnique({
    where: { scriptId_version: { scriptId, version: script.currentVersion } },
  });
  if (!version) {
    throw new DomainError(
      'conflict',
      'script_version_missing',
      `Script "${script.name}" has no version ${script.currentVersion}.`,
    );
  }
  const declared = (version.parameters as { name: string; default?: string }[]) ?? [];
  const env: Record<string, string> = {};
  for (const p of declared) if (p.default !== undefined) env[p.name] = String(p.default);
  for (const [k, v] of Object.entries(params)) {
    if (!PARAM_NAME.test(k))
      throw new DomainError(
        'invalid',
        'validation_failed',
        `Parameter name "${k}" is not a valid variable name.`,
      );
    env[k] = v;
  }
  const machine = await orgMachine(deps.db, organizationId, machineId);
  const executable = script.kind === 'executable' || version.body.startsWith('#!');
  // An executable is written to a private temp file first; a shell script is read by sh from stdin.
  const command = executable
    ? `f=$(mktemp) && cat > "$f" && chmod 700 "$f" && { "$f"; rc=$?; rm -f "$f"; exit $rc; }`
    : `sh -s -- ${shellQuote(script.name)}`;
  const conn = await connectMachineSsh(deps, machine, { connectTimeoutMs: 20_000 });
  try {
    const result = await conn.exec(command, {
      stdin: version.body,
      env,
      timeoutMs,
      maxOutputBytes: 1024 * 1024,
    });
    const combined = `${result.stdout}${result.stderr ? `\n[stderr]\n${result.stderr}` : ''}`;
    const output = combined.length > OUTPUT_KEEP ? `…${combined.slice(-OUTPUT_KEEP)}` : combined;
    return {
      ok: result.exitCode === 0 && !result.timedOut,
      exitCode: result.exitCode,
      output: result.timedOut ? `${output}\n[killed after ${Math.round(timeoutMs / 1000)} s]` : output,
    };
  } finally {
    await conn.close().catch(() => {});
  }
}
