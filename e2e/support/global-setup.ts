import { startStack } from './stack';

/**
 * Starts one Overcast stack for the whole run. Tests read where it is and how to log in
 * from the environment (see env.ts); the returned function is the global teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  process.env.E2E_BASE_URL = stack.baseURL;
  process.env.E2E_ADMIN_EMAIL = stack.admin.email;
  process.env.E2E_ADMIN_PASSWORD = stack.admin.password;
  return () => stack.stop();
}
