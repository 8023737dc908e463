import { createInterface } from 'node:readline';
import { CliError } from './errors';

/** A line typed at the terminal; `hidden` keeps it off the screen (passwords). */
export async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError(`${question.replace(/:\s*$/, '')} is needed and there is no terminal to ask on.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    // Echo nothing of what is typed after the question itself.
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    output._writeToOutput = (s: string) => {
      if (s.startsWith(question)) process.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (hidden) process.stderr.write('\n');
    rl.close();
  }
}

/** All of standard input as it is (a file's content piped in). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** All of standard input, without its final line break (a password). */
export async function readStdin(): Promise<string> {
  return (await readAllStdin()).replace(/\r?\n$/, '');
}
