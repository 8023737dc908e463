import { api } from './client';
import type { LoginRequest, Session } from './types';

// 401 is the expected answer for a wrong password or no session, so neither ends the app session.

export function login(credentials: LoginRequest): Promise<Session> {
  return api.post<Session>('/auth/login', credentials, { endSessionOnUnauthorized: false });
}

export function logout(): Promise<void> {
  return api.post<void>('/auth/logout', undefined, { endSessionOnUnauthorized: false });
}

export function getMe(signal?: AbortSignal): Promise<Session> {
  return api.get<Session>('/me', { signal, endSessionOnUnauthorized: false });
}
