import type { Command } from '../command';
import { configPath, readConfig } from '../config';
import { UsageError } from '../errors';
import { KINDS, kindOf } from '../resources';

const MACHINE_COMMANDS = 'start|stop|reboot|destroy|deallocate|tag|ssh';

/** Words one a line: the script splits on new lines only, so names with spaces stay whole. */
const lines = (words: string[]) => words.join('\n');

function bashScript(commands: string[]): string {
  return `# overcast completion for bash; for zsh: overcast completion zsh
_overcast() {
  local cur=\${COMP_WORDS[COMP_CWORD]} first=\${COMP_WORDS[1]} words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${lines(commands)}"
  elif [[ "$cur" == -* ]]; then
    words=$(overcast "$first" --help 2>/dev/null | grep -oE -- '--[a-z-]+' | sort -u)
  else
    case "$first" in
      get) if [ "$COMP_CWORD" -eq 2 ]; then words="${lines(KINDS.map((k) => k.name))}";
           else words=$(overcast __complete "\${COMP_WORDS[2]}" 2>/dev/null); fi ;;
      ${MACHINE_COMMANDS}) words=$(overcast __complete machines 2>/dev/null) ;;
      deploy) words=$(overcast __complete templates 2>/dev/null) ;;
      run) if [ "$COMP_CWORD" -eq 2 ]; then words="script"; else words=$(overcast __complete scripts 2>/dev/null); fi ;;
      context) if [ "$COMP_CWORD" -eq 2 ]; then words="${lines(['list', 'use', 'current'])}"; else words=$(overcast __complete contexts 2>/dev/null); fi ;;
      logout) words=$(overcast __complete contexts 2>/dev/null) ;;
      completion) words="${lines(['bash', 'zsh'])}" ;;
    esac
  fi
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _overcast overcast
`;
}

export function completion(commands: string[]): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash or zsh)',
    help: `Usage: overcast completion bash|zsh

Completes commands, options, and the names of machines, scripts, templates and contexts.
Install with
  bash: echo 'source <(overcast completion bash)' >> ~/.bashrc
  zsh:  echo 'source <(overcast completion zsh)' >> ~/.zshrc`,
    options: {},
    async run(cli) {
      const shell = cli.arg(0, 'the shell (bash or zsh)');
      if (shell === 'bash') process.stdout.write(bashScript(commands));
      else if (shell === 'zsh')
        // zsh runs bash completion functions through bashcompinit.
        process.stdout.write(
          `autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(commands)}`,
        );
      else throw new UsageError(`No completion for "${shell}"; use bash or zsh.`);
      return 0;
    },
  };
}

/** Names for completion, one a line (hidden: the completion scripts call it). */
export const complete: Command = {
  name: '__complete',
  summary: '',
  help: 'Usage: overcast __complete machines|clouds|volumes|scripts|runs|templates|stacks|contexts',
  options: {},
  async run(cli) {
    const what = cli.arg(0, 'what to complete');
    if (what === 'contexts') {
      const names = readConfig(configPath()).contexts.map((c) => c.name);
      process.stdout.write(names.map((n) => `${n}\n`).join(''));
      return 0;
    }
    const kind = kindOf(what);
    if (!kind) return 0;
    const rows = (await kind.list(cli.client(), cli)) as { id: string; name?: string; title?: string }[];
    process.stdout.write(rows.map((r) => `${r.name ?? r.title ?? r.id}\n`).join(''));
    return 0;
  },
};
