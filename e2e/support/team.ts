import { type APIRequestContext, type Browser, expect } from '@playwright/test';
import type { Credentials } from './stack';

/**
 * Invites `member` as the admin behind `api`, accepts the invitation as them, and puts them in a
 * new team "Web" with the given monthly budget: the member a self-service spec signs in as.
 */
export async function memberOfBudgetedTeam(
  api: APIRequestContext,
  browser: Browser,
  baseURL: string,
  member: Credentials,
  monthlyBudget: string,
): Promise<void> {
  const invite = await api.post('/api/v1/invitations', { data: { email: member.email, role: 'member' } });
  const token = new URL((await invite.json()).url).searchParams.get('token');
  const joined = await browser.newContext({ baseURL });
  const accepted = await joined.request.post('/api/v1/invitations/accept', {
    data: { token, password: member.password },
  });
  expect(accepted.status()).toBe(200);
  await joined.close();
  const members = (await (await api.get('/api/v1/members')).json()).items as {
    userId: string;
    email: string;
  }[];
  const userId = members.find((m) => m.email === member.email)?.userId;
  const team = await (await api.post('/api/v1/teams', { data: { name: 'Web' } })).json();
  expect((await api.put(`/api/v1/teams/${team.id}/members`, { data: { userIds: [userId] } })).status()).toBe(
    200,
  );
  expect((await api.put(`/api/v1/limits/teams/${team.id}`, { data: { monthlyBudget } })).status()).toBe(200);
}
