// Proxmox VE as data: its add-cloud form, what it can do, where prices come from. Imports no
// driver code, so the web app and the registry can load it.

import { features, type ProviderModule } from '@overcast/contracts';
import { Strict, T as Type } from '../common/fields';

/** `user@realm!tokenid=secret`, as the Proxmox GUI shows it once when the token is made. */
export const API_TOKEN = /^[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*=\S+$/;
/** SHA-256 of a certificate: 32 bytes of hex, with or without colons. */
export const FINGERPRINT = /^(sha256:)?([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i;

const credentials = Strict({
  apiToken: Type.Optional(
    Type.String({
      maxLength: 512,
      description:
        'An API token as user@realm!tokenid=secret. Make one under Datacenter > Permissions > API Tokens ' +
        '(untick "Privilege Separation" or give the token the roles it needs: PVEVMAdmin and PVEDatastoreUser).',
      ui: {
        widget: 'secret',
        label: 'API token',
        mono: true,
        order: 1,
        placeholder: 'overcast@pve!inventory=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      },
    }),
  ),
  username: Type.Optional(
    Type.String({
      maxLength: 128,
      description: 'Instead of a token: a user as user@realm (root@pam, ops@pve).',
      ui: { widget: 'text', label: 'User', order: 2, placeholder: 'root@pam', advanced: true },
    }),
  ),
  password: Type.Optional(
    Type.String({
      maxLength: 512,
      description: "That user's password. Overcast logs in for a ticket, as the web interface does.",
      ui: { widget: 'secret', label: 'Password', order: 3, advanced: true },
    }),
  ),
});

const size = Strict({
  name: Type.Optional(Type.String({ maxLength: 64 })),
  cores: Type.Integer({ minimum: 1, maximum: 512 }),
  memoryMb: Type.Integer({ minimum: 16, maximum: 16_777_216 }),
});

const config = Strict({
  certificateFingerprint: Type.Optional(
    Type.String({
      maxLength: 128,
      description:
        "The SHA-256 fingerprint of the cluster's TLS certificate (node > System > Certificates > pve-ssl.pem > " +
        'View Certificate). Leave empty to trust the certificate seen on first contact; later a different one is refused.',
      ui: {
        widget: 'text',
        label: 'Certificate fingerprint',
        mono: true,
        order: 10,
        placeholder: 'AB:CD:…:EF',
      },
    }),
  ),
  fullClone: Type.Optional(
    Type.Boolean({
      description:
        'New machines are full copies of their template (the default); off makes linked clones, faster but tied to the template.',
      ui: { widget: 'checkbox', label: 'Full clones', order: 11, advanced: true },
    }),
  ),
  sizes: Type.Optional(
    Type.Array(size, {
      maxItems: 100,
      description:
        'Sizes offered for new machines besides the built-in ones, one a line: cores:memory in MiB and an optional name, e.g. 4:8192 medium.',
      ui: {
        widget: 'list',
        label: 'Sizes',
        lineFormat: '{cores}:{memoryMb}[ {name}]',
        placeholder: '4:8192 medium',
        order: 12,
        advanced: true,
      },
    }),
  ),
});

export const proxmoxModule = {
  kind: 'proxmox',
  label: 'Proxmox VE',
  mark: 'PVE',
  background: '#e57000',
  foreground: '#ffffff',
  credentials,
  config,
  endpoint: { overridable: true, placeholder: 'https://pve1.example.com:8006' },
  features: features({
    create: true,
    volumes: true,
    // Cores and memory from the cloud's size presets; snapshots of VMs and containers, rolled back in place.
    resize: true,
    snapshots: true,
    // SDN vnets and their subnets, the nodes' bridges read-only; security groups and guest firewalls.
    networks: true,
    subnets: true,
    firewalls: true,
  }),
  // Your own hardware: Proxmox VE has no prices to give, and no table could know yours.
  pricing: 'none',
  docs: 'https://pve.proxmox.com/wiki/User_Management#pveum_tokens',
  titlePlaceholder: 'Proxmox cluster',
  help: [
    "Set the API address to any node of the cluster, e.g. https://pve1.example.com:8006 (the web interface's address).",
    'Make a token under Datacenter → Permissions → API Tokens and paste it as user@realm!tokenid=secret; the secret is shown once.',
    'The certificate is pinned on first contact; paste its fingerprint (node → System → Certificates) to pin it from the start.',
  ],
  check(creds, cfg) {
    const token = typeof creds.apiToken === 'string' ? creds.apiToken.trim() : '';
    const user = typeof creds.username === 'string' ? creds.username.trim() : '';
    const password = typeof creds.password === 'string' ? creds.password : '';
    if (token && (user || password)) return 'Give either an API token or a user and password, not both.';
    if (token && !API_TOKEN.test(token))
      return 'The API token must look like user@realm!tokenid=secret (the token id, an equals sign, then the secret).';
    if (!token && (!user || !password)) return 'Give an API token, or a user (user@realm) and its password.';
    if (user && !/^[^\s@]+@[^\s@]+$/.test(user)) return 'The user must be written user@realm, e.g. root@pam.';
    const fingerprint = cfg.certificateFingerprint;
    if (typeof fingerprint === 'string' && fingerprint.trim() !== '' && !FINGERPRINT.test(fingerprint.trim()))
      return 'The certificate fingerprint must be the 64 hex digits of its SHA-256 (colons optional).';
    return undefined;
  },
  normalize(creds) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(creds))
      if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
    if (typeof creds.password === 'string' && creds.password !== '') out.password = creds.password;
    return out;
  },
} satisfies ProviderModule;
