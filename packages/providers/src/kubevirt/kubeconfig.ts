// A pasted kubeconfig, read into the one cluster and user its current context names. Only what
// can be sent as it is is accepted: a bearer token, a client certificate given inline, or a user
// and password. `exec` and `auth-provider` users would run commands or reach token services from
// Overcast's own host, and file paths would read its disk: both are refused with what to do.

import { parse } from 'yaml';

export interface KubeAccess {
  /** The API server, e.g. https://k8s.example.com:6443. */
  server: string;
  /** PEM text of the cluster's CA, when the kubeconfig names one. */
  ca?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  token?: string;
  clientCert?: string;
  clientKey?: string;
  username?: string;
  password?: string;
}

type Entry = Record<string, unknown>;

const isEntry = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

function named(list: unknown, name: unknown, what: string): Entry {
  if (!Array.isArray(list)) throw new Error(`The kubeconfig has no ${what}s list.`);
  const found = list.find((e) => isEntry(e) && e.name === name);
  if (!isEntry(found) || !isEntry(found[what]))
    throw new Error(
      `The kubeconfig's current context names the ${what} '${String(name)}', which it does not define.`,
    );
  return found[what] as Entry;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function pem(entry: Entry, key: string, label: string): string | undefined {
  if (text(entry[key.replace(/-data$/, '')]))
    throw new Error(
      `The kubeconfig's ${label} is a file path; paste it inline as ${key} (kubectl config view --raw --flatten --minify gives that).`,
    );
  const data = text(entry[key]);
  if (!data) return undefined;
  const decoded = Buffer.from(data, 'base64').toString('utf8');
  if (!decoded.includes('-----BEGIN '))
    throw new Error(`The kubeconfig's ${key} is not base64 of a PEM block.`);
  return decoded;
}

/** The access a kubeconfig gives, or an Error whose message says what is wrong with it. */
export function readKubeconfig(source: string): KubeAccess {
  let doc: unknown;
  try {
    doc = parse(source, { maxAliasCount: 16 });
  } catch (err) {
    throw new Error(`The kubeconfig is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isEntry(doc)) throw new Error('The kubeconfig is not a YAML mapping; paste the whole file.');
  const contextName = doc['current-context'];
  if (typeof contextName !== 'string' || !contextName)
    throw new Error('The kubeconfig has no current-context; set one (kubectl config use-context NAME).');
  const context = named(doc.contexts, contextName, 'context');
  const cluster = named(doc.clusters, context.cluster, 'cluster');
  const user = named(doc.users, context.user, 'user');

  const server = text(cluster.server);
  if (!server) throw new Error("The kubeconfig's cluster has no server address.");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`The kubeconfig's server '${server}' is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The kubeconfig's server must be an https:// address, not ${url.protocol}.`);
  if (text(cluster['proxy-url']))
    throw new Error(
      "The kubeconfig's cluster goes through a proxy-url, which Overcast does not use; remove it.",
    );
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    throw new Error(
      "The kubeconfig's user signs in with an exec plugin or auth provider, which would run on Overcast's host; use a service account token instead.",
    );
  if (text(user.tokenFile))
    throw new Error("The kubeconfig's user reads its token from a file; paste the token itself as token.");

  const access: KubeAccess = {
    server: server.replace(/\/+$/, ''),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const ca = pem(cluster, 'certificate-authority-data', 'certificate authority');
  if (ca) access.ca = ca;
  const serverName = text(cluster['tls-server-name']);
  if (serverName) access.tlsServerName = serverName;
  const token = text(user.token);
  if (token) access.token = token;
  const cert = pem(user, 'client-certificate-data', 'client certificate');
  const key = pem(user, 'client-key-data', 'client key');
  if (Boolean(cert) !== Boolean(key))
    throw new Error(
      "The kubeconfig's user has a client certificate without its key, or a key without its certificate.",
    );
  if (cert && key) Object.assign(access, { clientCert: cert, clientKey: key });
  const username = text(user.username);
  const password = text(user.password);
  if (username && password) Object.assign(access, { username, password });
  if (!access.token && !access.clientCert && !access.username)
    throw new Error("The kubeconfig's user has no token, client certificate or user and password.");
  return access;
}
