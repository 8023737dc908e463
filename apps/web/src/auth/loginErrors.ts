import { ApiError, NetworkError } from '../api/errors';

export type LoginErrorField = 'email' | 'password' | null;

export interface LoginErrorView {
  message: string;
  /** The field to put focus back on, or null to focus the message itself. */
  field: LoginErrorField;
}

const unreachable: LoginErrorView = {
  message: "Can't reach the Overcast server. Check your connection and try again.",
  field: null,
};

// What a reverse proxy (or the dev server) answers when the API behind it is down.
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function describeLoginError(error: unknown): LoginErrorView {
  if (error instanceof NetworkError) return unreachable;
  if (error instanceof ApiError) {
    if (GATEWAY_STATUSES.has(error.status) && error.code.startsWith('http_')) return unreachable;
    // Two-factor: the API's words say what to enter.
    if (error.code === 'totp_required' || error.code === 'invalid_totp')
      return { message: error.message, field: null };
    if (error.status === 401) return { message: 'Wrong email or password.', field: 'password' };
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      const message =
        wait && wait > 0
          ? `Too many attempts, try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`
          : 'Too many attempts, try again in a moment.';
      return { message, field: null };
    }
    if (error.status === 400)
      return { message: error.message || 'Check your email and password.', field: 'email' };
    if (error.status >= 500) {
      return { message: 'The server ran into a problem. Try again in a moment.', field: null };
    }
    return { message: error.message, field: null };
  }
  return { message: 'Something went wrong. Try again.', field: null };
}

/** Checks done before asking the server, so obvious slips get an instant, specific message. */
export function validateLogin(email: string, password: string): { email?: string; password?: string } {
  const errors: { email?: string; password?: string } = {};
  if (!email.trim()) errors.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()))
    errors.email = 'Enter an email address like name@example.com.';
  if (!password) errors.password = 'Enter your password.';
  return errors;
}
