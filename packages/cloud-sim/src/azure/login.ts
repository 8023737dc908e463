// The Microsoft identity platform's part the client-credentials flow uses: the tenant's OpenID
// configuration and its v2.0 token endpoint, with a client secret or a certificate's signed
// assertion (RFC 7523), refused in Entra ID's own words (AADSTS codes).

import { constants, createHash, createPublicKey, randomUUID, verify, X509Certificate } from 'node:crypto';
import type { SimRequest, SimResponse } from '../common/server';

export interface Principal {
  tenantId: string;
  clientId: string;
  /** The client secret's value. */
  secret?: string;
  /** A certificate (PEM) registered for the app; its private key signs the assertion. */
  certificate?: string;
  /** Subscription ids this principal has a role on. */
  subscriptions: string[];
}

export interface IssuedToken {
  principal: Principal;
  expiresAt: number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

function aadError(status: number, error: string, code: number, description: string): SimResponse {
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

const b64json = (part: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
};

/** Checks a certificate-signed client assertion against the app's registered certificate. */
function assertionValid(assertion: string, principal: Principal, audience: string): boolean {
  if (!principal.certificate) return false;
  const [h, p, s] = assertion.split('.');
  if (!h || !p || !s) return false;
  const header = b64json(h);
  const claims = b64json(p);
  if (!header || !claims) return false;
  const cert = new X509Certificate(principal.certificate);
  const der = cert.raw;
  const x5t = createHash('sha1').update(der).digest('base64url');
  const x5tS256 = createHash('sha256').update(der).digest('base64url');
  if (header['x5t#S256'] !== x5tS256 && header.x5t !== x5t) return false;
  if (claims.iss !== principal.clientId || claims.sub !== principal.clientId) return false;
  if (claims.aud !== audience) return false;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return false;
  const key = createPublicKey(principal.certificate);
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  if (header.alg === 'PS256')
    return verify(
      'sha256',
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      signature,
    );
  if (header.alg === 'RS256') return verify('sha256', data, key, signature);
  return false;
}

export class LoginService {
  readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly principals: Principal[],
    private readonly tokenTtlSeconds = 3599,
  ) {}

  /** Answers the login paths, or null for a path that is not one. */
  handle(req: SimRequest, origin: string): SimResponse | null {
    const path = req.url.pathname;
    const config = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (config && req.method === 'GET')
      return this.openIdConfiguration(decodeURIComponent(config[1]!), origin);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token && req.method === 'POST') return this.token(decodeURIComponent(token[1]!), req, origin);
    return null;
  }

  private knownTenant(tenant: string): boolean {
    return this.principals.some((p) => p.tenantId.toLowerCase() === tenant.toLowerCase());
  }

  private openIdConfiguration(tenant: string, origin: string): SimResponse {
    if (!this.knownTenant(tenant))
      return aadError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    const base = `${origin}/${tenant}`;
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    });
  }

  private token(tenant: string, req: SimRequest, origin: string): SimResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (!this.knownTenant(tenant))
      return aadError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    if (form.get('grant_type') !== 'client_credentials')
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const clientId = form.get('client_id') ?? '';
    const principal = this.principals.find(
      (p) => p.tenantId.toLowerCase() === tenant.toLowerCase() && p.clientId === clientId,
    );
    if (!principal)
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!principal.secret || secret !== principal.secret)
        return aadError(
          401,
          'invalid_client',
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
            clientId +
            "'.",
        );
    } else if (assertion !== null) {
      const audience = `${origin}/${tenant}/oauth2/v2.0/token`;
      if (!assertionValid(assertion, principal, audience))
        return aadError(
          401,
          'invalid_client',
          700027,
          'The certificate with identifier used to sign the client assertion is not registered on application, or the client assertion failed signature validation.',
        );
    } else {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const token = randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
    this.tokens.set(token, { principal, expiresAt: Date.now() + this.tokenTtlSeconds * 1000 });
    return json(200, {
      token_type: 'Bearer',
      expires_in: this.tokenTtlSeconds,
      ext_expires_in: this.tokenTtlSeconds,
      access_token: token,
    });
  }

  /** The principal behind a bearer token, or null when it is unknown or expired. */
  principalOf(authorization: string | undefined): Principal | null {
    const m = /^Bearer (.+)$/.exec(authorization ?? '');
    const issued = m ? this.tokens.get(m[1]!) : undefined;
    if (!issued || issued.expiresAt < Date.now()) return null;
    return issued.principal;
  }
}
