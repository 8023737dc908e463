// The names Overcast takes for networks, subnets and firewalls, in one place: the API's schema
// is built from it and the web checks a name with it before sending. No schema runtime, so the
// web app imports it without bundling TypeBox. A provider with stricter rules (Kubernetes'
// lowercase names) refuses in its own words.

export const NETWORK_NAME_MAX = 100;
export const NETWORK_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9 ._-]*$';
export const NETWORK_NAME_RULE = 'Letters, digits, spaces, dots, dashes and underscores';

const PATTERN = new RegExp(NETWORK_NAME_PATTERN);

/** Why `name` is not a network, subnet or firewall name the API takes, or undefined when it is. */
export function networkNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give it a name.';
  if (name.length > NETWORK_NAME_MAX) return `At most ${NETWORK_NAME_MAX} characters.`;
  if (!PATTERN.test(name)) return `${NETWORK_NAME_RULE}, starting with a letter or digit.`;
  return undefined;
}
