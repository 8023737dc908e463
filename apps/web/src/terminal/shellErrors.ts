/** What each error the terminal server reports means for the person at the keyboard. */
const MESSAGES: Record<string, { title: string; hint: string }> = {
  auth_failed: {
    title: 'The machine refused the login',
    hint: 'Check that its authorized_keys holds the public key of the associated SSH key, and the user name.',
  },
  unreachable: {
    title: "Can't reach the machine",
    hint: 'It may be stopped, or a firewall or security group may block its SSH port.',
  },
  dns_failed: {
    title: "The machine's address could not be resolved",
    hint: 'Its host name does not resolve from the Overcast server.',
  },
  timeout: {
    title: 'The machine did not answer in time',
    hint: 'It may be overloaded or behind a firewall that drops SSH traffic.',
  },
  host_key_changed: {
    title: "The machine's host key has changed",
    hint: 'This happens after a reinstall, but it is also what an attacker in the middle looks like. The connection was stopped.',
  },
  password_required: {
    title: 'The machine asks for a password',
    hint: 'The key was not accepted on its own; enter the password to log in.',
  },
  idle_timeout: {
    title: 'Closed after a period without activity',
    hint: 'Reconnect to continue.',
  },
  max_session: {
    title: 'The session reached its maximum length',
    hint: 'Reconnect to start a new one.',
  },
  recording_limit: {
    title: "The session's recording is full",
    hint: 'Sessions are recorded, so the terminal was closed when its recording reached the size limit. Reconnect to start a new one; send large output to a file, or page it with less.',
  },
  too_many_terminals: {
    title: 'You have too many terminals open',
    hint: 'Close a terminal in another tab or window, then reconnect.',
  },
};

export function shellErrorText(code: string, message: string): { title: string; hint: string } {
  return MESSAGES[code] ?? { title: 'The terminal stopped', hint: message };
}
