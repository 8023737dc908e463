import type { Credentials } from './stack';

/** The admin account created by the global setup. */
export function adminCredentials(): Credentials {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password)
    throw new Error('E2E_ADMIN_EMAIL/E2E_ADMIN_PASSWORD are unset: run through playwright test');
  return { email, password };
}
