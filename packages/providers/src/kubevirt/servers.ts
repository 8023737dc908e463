// What the add-cloud form can tell of a kubeconfig without a YAML parser (the module loads no
// library): the server addresses it names, for the outbound guard, and whether it asks to run
// a sign-in plugin. The driver reads the whole file and connects only to a server found here,
// so an address spelt through a YAML alias or tag is refused rather than left unchecked.

const SERVER = /["']?\bserver["']?\s*:\s*["']?([^\s"',}\]]+)/g;

const bare = (url: string) => url.replace(/\/+$/, '');

/** Every `server:` address the text names, in YAML or JSON spelling. */
export function serversNamed(text: string): string[] {
  return [...new Set([...text.matchAll(SERVER)].map((m) => bare(m[1]!)))];
}

/** The module's early word on a pasted kubeconfig; the driver reads it in full. */
export function kubeconfigProblem(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return 'Paste a kubeconfig.';
  if (serversNamed(text).length === 0)
    return 'The kubeconfig names no cluster server (clusters[].cluster.server).';
  if (/["']?\b(exec|auth-provider)["']?\s*:/.test(text))
    return "The kubeconfig's user signs in with an exec plugin or auth provider, which would run on Overcast's host; use a service account token instead.";
  return undefined;
}

export const isNamedServer = (text: string, server: string) => serversNamed(text).includes(bare(server));
