import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, type TestApi, uniqueIp } from './support/harness';

// Everything the api logs, at trace level, while people log in and add clouds with good and
// bad credentials: no password, token or cookie may appear in it.
const lines: string[] = [];
let api: TestApi;
let sim: DigitalOceanSim;
const TOKEN = 'dop_v1_secret_token_that_must_never_be_logged';

beforeAll(async () => {
  api = await startTestApi({}, { write: (line: string) => lines.push(line) });
  sim = await startDigitalOceanSim({ accounts: [{ token: TOKEN, droplets: 2 }] });
});
afterAll(async () => {
  await sim.close();
  await api.close();
});

describe('logs', () => {
  it('never contain passwords, provider credentials or session cookies', async () => {
    const user = await createOrgWithUser(api.db);
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
      remoteAddress: uniqueIp(),
    });
    const cookieValue = login.cookies[0]!.value;
    const cookie = `overcast_session=${cookieValue}`;
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'wrong-secret-pw' },
    });
    for (const token of [TOKEN, 'dop_v1_wrong_secret_token']) {
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/clouds',
        headers: { cookie },
        payload: {
          provider: 'digitalocean',
          title: `c-${token.length}`,
          credentials: { token },
          endpoint: sim.url,
        },
      });
    }
    await api.app.inject({
      url: '/api/v1/clouds',
      headers: { cookie, authorization: 'Bearer oc_some_secret_api_token' },
    });
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [
      user.password,
      'wrong-secret-pw',
      TOKEN,
      'dop_v1_wrong_secret_token',
      cookieValue,
      'oc_some_secret_api_token',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('never contain the token of an invite link, in whatever URL it arrives', async () => {
    const owner = await createOrgWithUser(api.db);
    const cookie = await login(api, owner);
    const invited = await api.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: { cookie },
      payload: { email: `invitee-${Date.now()}@example.com`, role: 'member' },
      remoteAddress: uniqueIp(),
    });
    const token = new URL(invited.json().url).searchParams.get('token')!;
    const before = lines.length;
    // The page the link opens, and the same secret as any other parameter a client might send.
    await api.app.inject({ url: `/invite?token=${encodeURIComponent(token)}&from=mail` });
    await api.app.inject({ url: `/api/v1/me?access_token=${token}&code=${token}` });
    const logged = lines.slice(before).join('\n');
    expect(logged).toContain('/invite?');
    expect(logged).toContain('from=mail');
    expect(logged).not.toContain(token);
  });
});
