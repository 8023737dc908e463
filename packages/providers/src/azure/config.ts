import { ProviderError } from '@overcast/contracts';

/** A service principal: its tenant and application (client) id, with a secret or a certificate. */
export interface AzureCredentials {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM holding the certificate and its private key, as `az ad sp create-for-rbac --create-cert` writes it. */
  clientCertificate?: string;
}

/** Non-secret settings an Azure cloud may carry in `DriverInit.config`. */
export interface AzureConfig {
  /** Manage only this subscription. Default: every subscription the principal sees. */
  subscriptionId: string | null;
  /** The login authority. Default https://login.microsoftonline.com. */
  authorityHost: string;
  /** Whether the authority is one of Microsoft's clouds (instance discovery) or a private one. */
  customAuthority: boolean;
  /** The token audience: the ARM resource the token is for. */
  audience: string;
  /** Extra CA certificates (PEM) to trust: Azure Stack Hub and other private clouds. */
  caCertificate: string | null;
  /** Where the Retail Prices API lives; empty turns prices off. */
  pricesEndpoint: string | null;
  /** Resource group new machines, their NICs and IPs, and new disks go into. */
  resourceGroup: string;
  /** The subnet (resource id) new machines' network interfaces join. */
  subnetId: string | null;
  /** Give new machines a public IP. Default true. */
  publicIp: boolean;
  /** Login created on new Linux machines. Default azureuser. */
  adminUsername: string;
  /** Storage SKU of new OS disks and volumes. Default StandardSSD_LRS. */
  diskSku: string;
  /** Marketplace images offered, as publisher:offer:sku. */
  images: string[];
  /** The region whose marketplace is asked for image versions. Default eastus. */
  imageLocation: string;
  requestTimeoutMs: number;
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How often a long-running operation is polled. Default 2 s (the SDK's own). */
  pollIntervalMs: number;
  /** How long an action waits for its operation; past it, the next sync shows the outcome. */
  operationTimeoutMs: number;
}

// Linux only: a Windows VM needs an administrator password, which createMachine does not set.
export const DEFAULT_IMAGES = [
  'Canonical:ubuntu-24_04-lts:server',
  'Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2',
  'Debian:debian-12:12-gen2',
];

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;
const str = (raw: unknown): string | null =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+\.[a-z]{2,})$/i;

export function readCredentials(raw: Partial<AzureCredentials> | undefined): AzureCredentials {
  const tenantId = str(raw?.tenantId);
  const clientId = str(raw?.clientId);
  if (!tenantId || !TENANT.test(tenantId))
    throw new ProviderError(
      'auth',
      'The tenant (directory) id must be a GUID or a domain such as contoso.onmicrosoft.com.',
    );
  if (!clientId || !GUID.test(clientId))
    throw new ProviderError('auth', 'The application (client) id must be a GUID.');
  const clientSecret = str(raw?.clientSecret) ?? undefined;
  const clientCertificate = str(raw?.clientCertificate) ?? undefined;
  if (!clientSecret && !clientCertificate)
    throw new ProviderError('auth', 'A client secret or a client certificate is required.');
  if (clientCertificate && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(clientCertificate))
    throw new ProviderError(
      'auth',
      'The client certificate must be PEM holding both the certificate and its private key.',
    );
  return { tenantId, clientId, clientSecret, clientCertificate };
}

function httpsUrl(raw: unknown, fallback: string, what: string): string {
  const value = str(raw) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderError('invalid', `${what} '${value}' is not a URL`);
  }
  // Azure's clients send tokens over TLS only.
  if (url.protocol !== 'https:') throw new ProviderError('invalid', `${what} must be an https:// address`);
  return value.replace(/\/+$/, '');
}

export const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
export const PUBLIC_ARM = 'https://management.azure.com';

export function readConfig(raw: Record<string, unknown> = {}): AzureConfig {
  const subscriptionId = str(raw.subscriptionId);
  if (subscriptionId && !GUID.test(subscriptionId))
    throw new ProviderError('invalid', `The subscription id '${subscriptionId}' is not a GUID.`);
  const authorityHost = httpsUrl(raw.authorityHost, PUBLIC_AUTHORITY, 'The login authority');
  const images = Array.isArray(raw.images)
    ? raw.images.filter((i): i is string => typeof i === 'string' && i.split(':').length === 3)
    : DEFAULT_IMAGES;
  return {
    subscriptionId,
    authorityHost,
    customAuthority: authorityHost !== PUBLIC_AUTHORITY,
    audience: str(raw.audience) ?? `${PUBLIC_ARM}/.default`,
    caCertificate: str(raw.caCertificate),
    pricesEndpoint:
      raw.pricesEndpoint === ''
        ? null
        : httpsUrl(raw.pricesEndpoint, 'https://prices.azure.com', 'The prices endpoint'),
    resourceGroup: str(raw.resourceGroup) ?? 'overcast',
    subnetId: str(raw.subnetId),
    publicIp: raw.publicIp !== false,
    adminUsername: str(raw.adminUsername) ?? 'azureuser',
    diskSku: str(raw.diskSku) ?? 'StandardSSD_LRS',
    images,
    imageLocation: str(raw.imageLocation) ?? 'eastus',
    requestTimeoutMs: num(raw.requestTimeoutMs, 30_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
    pollIntervalMs: num(raw.pollIntervalMs, 2_000, 1, 60_000),
    operationTimeoutMs: num(raw.operationTimeoutMs, 600_000, 1, 3_600_000),
  };
}
