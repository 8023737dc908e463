// VMware vSphere as data: its add-cloud form, what it can do, where prices come from. Imports no
// driver code, so the web app and the registry can load it.

import { features, type ProviderModule } from '@overcast/contracts';
import { Strict, T as Type } from '../common/fields';

/** SHA-256 of a certificate: 32 bytes of hex, with or without colons. */
export const FINGERPRINT = /^(sha256:)?([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i;

const credentials = Strict({
  username: Type.String({
    minLength: 1,
    maxLength: 256,
    description:
      'A vCenter Single Sign-On user, e.g. overcast@vsphere.local, with the Virtual machine > Interaction > Power on/off, Inventory > Remove, Change Configuration > Change CPU count, Change Memory and Rename, and Snapshot management privileges.',
    ui: { widget: 'text', label: 'User', order: 1, placeholder: 'overcast@vsphere.local' },
  }),
  password: Type.String({
    minLength: 1,
    maxLength: 512,
    description: "That user's password. Overcast logs in for a session, as the vSphere Client does.",
    ui: { widget: 'secret', label: 'Password', order: 2 },
  }),
});

const config = Strict({
  certificateFingerprint: Type.Optional(
    Type.String({
      maxLength: 128,
      description:
        "The SHA-256 fingerprint of vCenter's TLS certificate (the browser's certificate viewer shows it). " +
        'Leave empty to trust the certificate seen on first contact; later a different one is refused.',
      ui: {
        widget: 'text',
        label: 'Certificate fingerprint',
        mono: true,
        order: 10,
        placeholder: 'AB:CD:…:EF',
      },
    }),
  ),
});

export const vsphereModule = {
  kind: 'vsphere',
  label: 'VMware vSphere',
  mark: 'VS',
  background: '#1d428a',
  foreground: '#ffffff',
  credentials,
  config,
  endpoint: { overridable: true, placeholder: 'https://vcenter.example.com' },
  features: features({
    // From a content library's VM templates onto a host, sized by CPU and memory presets; the SSH
    // key goes in as cloud-init through guest customization (vSphere 7.0 U3 and later).
    create: true,
    // Datastores are listed as volumes for their capacity and users, but are not attached or made.
    // CPUs and memory from the create presets that fit the VM's host; snapshots reverted in place.
    // Both read the VI/JSON API beside the REST one (vCenter 8.0 U1 and later).
    resize: true,
    snapshots: true,
    // The vCenter REST API hands out VMware Remote Console tickets (vmrc://), which the VMRC
    // application on the person's computer opens; it has no console a browser can speak.
    console: 'ticket',
    // Standard and distributed portgroups and opaque networks, with the VMs whose NICs are on
    // them; the REST API makes no networks, so Overcast lists them only.
    networks: true,
    readOnlyNetworks: true,
  }),
  // Your own hardware: vSphere has no prices to give, and no table could know yours.
  pricing: 'none',
  docs: 'https://developer.broadcom.com/xapis/vsphere-automation-api/latest/',
  titlePlaceholder: 'vCenter',
  help: [
    "Set the API address to your vCenter Server, e.g. https://vcenter.example.com (the vSphere Client's address).",
    'Log in as a vCenter Single Sign-On user (user@vsphere.local or a user of an identity source vCenter knows).',
    'The certificate is pinned on first contact; paste its SHA-256 fingerprint to pin it from the start.',
    'Resizing and snapshots need vCenter 8.0 Update 1 or later (its VI/JSON API).',
  ],
  check(creds, cfg) {
    const user = typeof creds.username === 'string' ? creds.username.trim() : '';
    if (!user) return 'Give the vCenter user, e.g. administrator@vsphere.local.';
    if (/[\s:]/.test(user)) return 'The vCenter user has no spaces or colons: write it as user@domain.';
    const fingerprint = cfg.certificateFingerprint;
    if (typeof fingerprint === 'string' && fingerprint.trim() !== '' && !FINGERPRINT.test(fingerprint.trim()))
      return 'The certificate fingerprint must be the 64 hex digits of its SHA-256 (colons optional).';
    return undefined;
  },
  normalize(creds) {
    const out: Record<string, unknown> = { ...creds };
    if (typeof creds.username === 'string') out.username = creds.username.trim();
    return out;
  },
} satisfies ProviderModule;
