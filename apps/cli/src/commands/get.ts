import type { Command, Invocation } from '../command';
import { UsageError } from '../errors';
import { type Format, parseFormat, render, renderOne } from '../output';
import { KINDS, type Kind, kindOf } from '../resources';
import { openEventStream } from '../stream';

type Row = { id: string };

const KIND_NAMES = KINDS.map((k) => k.name).join('|');
const FILTERS = ['state', 'cloud', 'provider', 'tag', 'search', 'mine', 'limit', 'machine', 'script'];
/** Changes arriving this close together are shown as one refresh. */
const SETTLE_MS = 250;

function print(text: string): void {
  if (text) process.stdout.write(`${text}\n`);
}

/** Prints the list, then each row again whenever the stream says it changed. */
async function watch(kind: Kind<Row>, cli: Invocation, format: Format, only?: string): Promise<number> {
  const client = cli.client();
  let timer: NodeJS.Timeout | undefined;
  let shown = new Map<string, string>();
  let refreshing = Promise.resolve();
  let first = true;
  const refresh = () => {
    refreshing = refreshing.then(async () => {
      const rows = (await kind.list(client, cli)).filter((r) => !only || r.id === only);
      const next = new Map(rows.map((r) => [r.id, JSON.stringify(r)]));
      const changed = rows.filter((r) => shown.get(r.id) !== next.get(r.id));
      shown = next;
      // Tables and CSV head the first batch; JSON and YAML print one object (or document) a row.
      const header = first && format !== 'json' && format !== 'yaml';
      if (changed.length > 0) print(render(changed, kind.columns, format, header));
      if (changed.length > 0) first = false;
    });
    return refreshing;
  };
  return new Promise<number>((resolve, reject) => {
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(fail), SETTLE_MS);
    };
    const stream = openEventStream(client.endpoint, {
      onEvent: (event) => {
        if (kind.changedBy(event)) schedule();
      },
      onResume: schedule,
      onEnd: (error) => fail(error),
    });
    function fail(error: unknown) {
      clearTimeout(timer);
      stream.close();
      reject(error);
    }
    process.once('SIGINT', () => {
      stream.close();
      resolve(0);
    });
    // Listen first, then list: nothing that changes in between is missed.
    stream.ready.then(() => refresh()).catch(fail);
  });
}

export const get: Command = {
  name: 'get',
  summary: `List ${KIND_NAMES}, or show one`,
  help: `Usage: overcast get ${KIND_NAMES} [NAME|ID] [options]

Options:
  -o, --output FORMAT   table (default), wide (more columns), json, yaml or csv
  -w, --watch           Keep running: print rows again as they change (from the live stream);
                        JSON then prints one object a line, YAML one document per row
  --state STATE         machines, volumes: by state (running, stopped, ...); runs, stacks: by status
  --cloud NAME|ID       machines, volumes: only this cloud's
  --provider NAME       machines, clouds: aws, gce, digitalocean, docker, ...
  --tag KEY[=VALUE]     machines: carrying this tag (any value when none is given)
  --search TEXT         machines, volumes: name, id or address contains TEXT; clouds, scripts,
                        templates, stacks: name
  --mine                machines: only those you created
  --machine NAME|ID     volumes: only those attached to this machine
  --script NAME|ID      runs: only this script's
  --limit N             machines, volumes, runs: at most N rows`,
  options: {
    output: { type: 'string', short: 'o' },
    watch: { type: 'boolean', short: 'w' },
    state: { type: 'string' },
    cloud: { type: 'string' },
    provider: { type: 'string' },
    tag: { type: 'string' },
    search: { type: 'string' },
    mine: { type: 'boolean' },
    machine: { type: 'string' },
    script: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(cli) {
    const kindName = cli.arg(0, `what to get (${KIND_NAMES})`);
    const kind = kindOf(kindName);
    if (!kind) throw new UsageError(`Cannot get "${kindName}"; use one of ${KIND_NAMES}.`);
    const format = parseFormat(cli.string('output'));
    const misplaced = FILTERS.filter((f) => cli.values[f] !== undefined && !kind.filters.includes(f));
    if (misplaced.length > 0)
      throw new UsageError(`--${misplaced.join(', --')} does not apply to ${kind.name}.`);
    const limit = cli.string('limit');
    if (limit !== undefined && !/^[1-9]\d*$/.test(limit))
      throw new UsageError('--limit takes a whole number above 0.');
    const ref = cli.positionals[1];
    if (cli.flag('watch')) {
      // One resource watched: the list narrowed to it, so it is printed again as it changes.
      const only = ref === undefined ? undefined : (await kind.one(cli.client(), ref)).id;
      return watch(kind, cli, format, only);
    }
    if (ref !== undefined) {
      print(renderOne(await kind.one(cli.client(), ref), kind.columns, format));
      return 0;
    }
    const rows = await kind.list(cli.client(), cli);
    const text = render(rows, kind.columns, format);
    if (text) print(text);
    else if (format === 'table' || format === 'wide') process.stderr.write(`No ${kind.name} found.\n`);
    return 0;
  },
};
