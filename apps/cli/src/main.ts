#!/usr/bin/env node
import { type Command, GLOBAL_HELP, parse } from './command';
import { actions, tag } from './commands/actions';
import { apply } from './commands/apply';
import { complete, completion } from './commands/completion';
import { context } from './commands/context';
import { deploy } from './commands/deploy';
import { get } from './commands/get';
import { login, logout } from './commands/login';
import { run } from './commands/run';
import { ssh } from './commands/ssh';
import { CliError } from './errors';

const visible: Command[] = [login, logout, context, get, ...actions, tag, run, apply, deploy, ssh];
const names = [...visible.map((c) => c.name), 'completion', 'help'];
const commands: Command[] = [...visible, completion(names), complete];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.filter((c) => c.summary).map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`);
  return `overcast: the Overcast command line

Usage: overcast COMMAND [options]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}

\`overcast COMMAND --help\` tells more about each.
`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0] && commands.find((c) => c.name === rest[0]);
    process.stdout.write(about ? `${about.help}\n\n${GLOBAL_HELP}\n` : overview());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`overcast: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  const invocation = parse(command, rest);
  if (invocation.flag('help')) {
    process.stdout.write(`${command.help}\n\n${GLOBAL_HELP}\n`);
    return 0;
  }
  return (await command.run(invocation)) ?? 0;
}

// Output piped into a command that stops reading (| head) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`error: ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = 1;
    }
  },
);
