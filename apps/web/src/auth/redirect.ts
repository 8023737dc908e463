// Where to go after login. Only same-app paths are accepted so a crafted
// ?next= link can't bounce a user to another site.

export const LOGIN_PATH = '/login';

export function loginUrl(next?: string): string {
  if (!next || next === '/') return LOGIN_PATH;
  return `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

export function safeNext(value: string | null): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value === LOGIN_PATH || value.startsWith(`${LOGIN_PATH}?`)) return '/';
  return value;
}
