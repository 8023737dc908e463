import { hostname } from 'node:os';
import type { CreateApiTokenRequest, LoginRequest, Me } from '@overcast/contracts';
import { Client, normalizeUrl, request } from '../client';
import type { Command } from '../command';
import { type Context, configPath, readConfig, saveContext, writeConfig } from '../config';
import { ApiError, CliError, UsageError } from '../errors';
import { ask, readStdin } from '../prompt';
import type { CreatedApiTokenView } from '../types';

/** Logs in with a password (and a second factor when the API asks), and returns a session cookie. */
async function passwordSession(
  url: string,
  body: LoginRequest,
  otpFlag: string | undefined,
): Promise<string> {
  const attempt = (otp?: string) =>
    request<Me>({ url }, 'POST', '/auth/login', { body: otp ? { ...body, otp } : body });
  let answer: Awaited<ReturnType<typeof attempt>>;
  try {
    answer = await attempt(otpFlag);
  } catch (err) {
    // Asked for only when the account has a second factor and there is someone to type it.
    if (!(err instanceof ApiError) || err.code !== 'totp_required' || otpFlag || !process.stdin.isTTY)
      throw err;
    answer = await attempt((await ask('Two-factor code: ')).trim());
  }
  const cookie = answer.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('overcast_session='));
  if (!cookie) throw new CliError('The server logged you in but sent no session; is this an Overcast URL?');
  return cookie;
}

export const login: Command = {
  name: 'login',
  summary: 'Log in to an Overcast server and save it as a context',
  help: `Usage: overcast login URL [options]

Logs in with your email and password (and two-factor code when your account has one), creates an
API token for this computer and saves it as a context in the config file
(~/.config/overcast/config.json, or $OVERCAST_CONFIG), which becomes the current context. The
browser-style session used to make the token is ended at once. The token is never printed.

Options:
  --email EMAIL        Your email (asked for when missing)
  --password-stdin     Read the password from standard input (else asked for, unechoed)
  --otp CODE           Two-factor code or recovery code (asked for when needed)
  --token TOKEN        Use an existing API token (oc_...) instead of a password
  --name NAME          Name of the context (default: the server's host)
  --read-only          Make a read-only token`,
  options: {
    email: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    otp: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    'read-only': { type: 'boolean' },
  },
  async run(cli) {
    const url = normalizeUrl(cli.arg(0, 'the server URL (overcast login https://overcast.example.com)'));
    const name = cli.string('name') ?? new URL(url).host;
    let token = cli.string('token') ?? '';
    let tokenId: string | undefined;
    if (!token) {
      const email = cli.string('email') ?? (await ask('Email: ')).trim();
      const password = cli.flag('password-stdin') ? await readStdin() : await ask('Password: ', true);
      if (!password) throw new UsageError('The password is empty.');
      const cookie = await passwordSession(url, { email, password }, cli.string('otp'));
      const session = new Client({ url, headers: { cookie } });
      const body: CreateApiTokenRequest = {
        name: `overcast CLI on ${hostname()}`.slice(0, 100),
        scope: cli.flag('read-only') ? 'read' : 'full',
      };
      try {
        const created = await session.post<CreatedApiTokenView>('/me/tokens', body);
        token = created.token;
        tokenId = created.apiToken.id;
      } finally {
        // The token is what the CLI keeps; the session would only linger in the account's list.
        await session.post('/auth/logout').catch(() => {});
      }
    }
    const me = await new Client({ url, token }).get<Me>('/me');
    const context: Context = {
      name,
      url,
      token,
      ...(tokenId ? { tokenId } : {}),
      user: me.user.email,
      organization: me.organization.slug,
    };
    const path = configPath();
    writeConfig(saveContext(readConfig(path), context, true), path);
    process.stdout.write(
      `Logged in to ${url} as ${me.user.email} (${me.organization.name}, ${me.role}); context "${name}" is current.\n`,
    );
    return 0;
  },
};

export const logout: Command = {
  name: 'logout',
  summary: "Revoke a context's API token and forget the context",
  help: `Usage: overcast logout [CONTEXT]

Revokes the API token this CLI made at login (a token given with --token is left alone) and
removes the context (default: the current one).`,
  options: {},
  async run(cli) {
    const path = configPath();
    const config = readConfig(path);
    const name = cli.positionals[0] ?? cli.string('context') ?? config.current;
    const context = config.contexts.find((c) => c.name === name);
    if (!context) throw new CliError(name ? `No context named "${name}".` : 'Not logged in.');
    if (context.tokenId) {
      await new Client(context).delete(`/me/tokens/${context.tokenId}`).catch((err: unknown) => {
        // A token already revoked or expired is as good as revoked.
        if (!(err instanceof ApiError && err.status === 401)) throw err;
      });
    }
    writeConfig(
      {
        current: config.current === context.name ? null : config.current,
        contexts: config.contexts.filter((c) => c !== context),
      },
      path,
    );
    process.stdout.write(`Logged out of ${context.url}; context "${context.name}" removed.\n`);
    return 0;
  },
};
