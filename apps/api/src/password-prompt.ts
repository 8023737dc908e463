import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { InvalidInputError } from '@overcast/core/auth';
import { generatePassword } from '@overcast/core/passwords';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/**
 * The password for `adduser` and `passwd`: from standard input, asked twice on a terminal, or
 * generated (and to be printed) when there is neither.
 */
export async function choosePassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await readStdin(), generated: false };
  if (process.stdin.isTTY) {
    const first = await askHidden('Password: ');
    const second = await askHidden('Repeat password: ');
    if (first !== second) throw new InvalidInputError('The two passwords differ.');
    return { password: first, generated: false };
  }
  return { password: generatePassword(), generated: true };
}
