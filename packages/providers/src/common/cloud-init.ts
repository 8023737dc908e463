import { randomUUID } from 'node:crypto';

// The cloud-init user data of a new machine (KubeVirt's NoCloud disk, vSphere's guest
// customization): its SSH key as cloud-config and the post-deploy script; with both, a MIME
// multipart, which cloud-init reads part by part, so neither is lost.

export function userDataFor(sshKey: { publicKey: string } | undefined, script: string | undefined) {
  const keys = sshKey
    ? `#cloud-config\nssh_authorized_keys:\n  - ${JSON.stringify(sshKey.publicKey.trim())}\n`
    : undefined;
  if (!script) return keys;
  if (!keys) return script;
  const boundary = `overcast-${randomUUID()}`;
  const part = (type: string, body: string) =>
    `--${boundary}\nContent-Type: ${type}; charset="utf-8"\nMIME-Version: 1.0\n\n${body}\n`;
  const scriptType = script.startsWith('#cloud-config') ? 'text/cloud-config' : 'text/x-shellscript';
  return `Content-Type: multipart/mixed; boundary="${boundary}"\nMIME-Version: 1.0\n\n${part('text/cloud-config', keys)}${part(scriptType, script)}--${boundary}--\n`;
}
