import { type Static, Type as T } from '@sinclair/typebox';

// The one description of every setting: validation, defaults, environment overrides and
// settings/README.md are all derived from it.

const Secrets = T.Object(
  {
    sessionSecret: T.String({
      minLength: 32,
      description: 'Signs session cookies. Generated on first start; changing it logs everybody out.',
    }),
    credentialsKey: T.String({
      pattern: '^[A-Za-z0-9+/]{43}=$',
      description:
        'AES-256 key (base64, 32 bytes) that encrypts cloud credentials, SSH keys and webhook secrets at rest. ' +
        'Generated on first start. Back it up: without it stored credentials cannot be read.',
    }),
  },
  { additionalProperties: false, description: 'Generated secrets. Never commit or share this section.' },
);

export const SettingsSchema = T.Object(
  {
    host: T.String({ default: '0.0.0.0', description: 'Address the api listens on.' }),
    port: T.Integer({
      minimum: 1,
      maximum: 65535,
      default: 8080,
      description: 'Port the api (and the web app) listen on.',
    }),
    publicUrl: T.String({
      default: 'http://localhost',
      description:
        'The address people use to reach Overcast; used in links in emails. https:// makes cookies Secure.',
    }),
    databaseUrl: T.String({
      default: 'postgresql://postgres@127.0.0.1:5432/overcast',
      description: 'PostgreSQL connection URL. Environment: DATABASE_URL.',
    }),
    redisUrl: T.String({
      default: 'redis://127.0.0.1:6379/0',
      description: 'Redis connection URL (queues, live events, rate limits). Environment: REDIS_URL.',
    }),
    logLevel: T.Union(
      [
        T.Literal('fatal'),
        T.Literal('error'),
        T.Literal('warn'),
        T.Literal('info'),
        T.Literal('debug'),
        T.Literal('trace'),
      ],
      { default: 'info', description: 'Log level: fatal, error, warn, info, debug or trace.' },
    ),
    trustedProxies: T.Array(
      T.String({ pattern: '^([0-9A-Fa-f:.]+(/[0-9]{1,3})?|loopback|linklocal|uniquelocal)$' }),
      {
        default: [],
        description:
          'Addresses or CIDR ranges of reverse proxies in front of the api, whose X-Forwarded-For is believed ' +
          '(also loopback, linklocal, uniquelocal). Empty: the connecting address is the client, and ' +
          'X-Forwarded-* headers are ignored. Rate limits and the audit trail use this address. ' +
          'Environment: a comma-separated list.',
      },
    ),
    webDir: T.String({
      default: '',
      description: 'Directory of the built web app served at /. Empty: apps/web/dist next to the api.',
    }),
    secrets: Secrets,
    session: T.Object(
      {
        ttlHours: T.Integer({
          minimum: 1,
          maximum: 8760,
          default: 168,
          description: 'How long a login lasts.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Browser sessions.' },
    ),
    login: T.Object(
      {
        maxAttempts: T.Integer({
          minimum: 1,
          default: 10,
          description: 'Login attempts allowed per address and window before answering 429.',
        }),
        windowSeconds: T.Integer({ minimum: 1, default: 300, description: 'The window for maxAttempts.' }),
        accountFreeFailures: T.Integer({
          minimum: 1,
          default: 5,
          description:
            'Wrong passwords (and, apart, wrong second-factor codes) in a row one account allows, from any address, ' +
            'before each further attempt must wait: 1 second, doubling with every failure.',
        }),
        backoffMaxSeconds: T.Integer({
          minimum: 1,
          maximum: 86_400,
          default: 900,
          description:
            'The longest such wait: after it the owner can log in again, however many wrong guesses came before.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Login rate limits.' },
    ),
    passwords: T.Object(
      {
        minLength: T.Integer({
          minimum: 8,
          maximum: 128,
          default: 10,
          description:
            'Shortest password accepted. Common passwords, and ones made of a repeated or keyboard pattern, are refused at any length.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Passwords.' },
    ),
    tokens: T.Object(
      {
        maxRequestsPerMinute: T.Integer({
          minimum: 1,
          default: 600,
          description: 'Requests one API token may make per minute before answering 429.',
        }),
        maxInvalidPerWindow: T.Integer({
          minimum: 1,
          default: 20,
          description:
            'Unknown, revoked or expired tokens one address may present per login window (login.windowSeconds) before answering 429.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'API token rate limits.' },
    ),
    poll: T.Object(
      {
        machinesSeconds: T.Integer({
          minimum: 5,
          default: 60,
          description: 'How often each cloud is polled for machines and volumes.',
        }),
        catalogSeconds: T.Integer({
          minimum: 60,
          default: 3600,
          description: 'How often sizes, images and locations are refreshed.',
        }),
        missingGraceHours: T.Integer({
          minimum: 0,
          default: 24,
          description:
            'How long a machine gone from its provider stays "missing" before it is marked terminated.',
        }),
        timeoutSeconds: T.Integer({
          minimum: 5,
          default: 120,
          description: 'A poll taking longer than this fails.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Inventory polling.' },
    ),
    smtp: T.Object(
      {
        host: T.String({ default: '', description: 'SMTP server; empty disables email.' }),
        port: T.Integer({ minimum: 1, maximum: 65535, default: 587, description: 'SMTP port.' }),
        secure: T.Boolean({
          default: false,
          description: 'Use TLS from the start (port 465); otherwise STARTTLS when offered.',
        }),
        user: T.String({ default: '', description: 'SMTP user name (empty: no authentication).' }),
        password: T.String({ default: '', description: 'SMTP password.' }),
        from: T.String({
          default: 'Overcast <overcast@localhost>',
          description: 'Sender of notification emails.',
        }),
      },
      {
        default: {},
        additionalProperties: false,
        description: 'Outgoing email (notifications, invitations).',
      },
    ),
    shell: T.Object(
      {
        idleTimeoutSeconds: T.Integer({
          minimum: 0,
          default: 900,
          description: 'A web terminal with no keystrokes for this long is closed. 0: never.',
        }),
        maxSessionSeconds: T.Integer({
          minimum: 0,
          default: 28800,
          description: 'A web terminal is closed after this long whatever happens in it. 0: no limit.',
        }),
        recordingsDir: T.String({
          default: '',
          description:
            'Where terminal sessions are recorded (asciicast v2 files). Empty: "recordings" in the settings directory.',
        }),
        recordingRetentionDays: T.Integer({
          minimum: 1,
          default: 30,
          description: 'Recordings older than this are deleted by the worker.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Web terminal (SSH in the browser).' },
    ),
    monitoring: T.Object(
      {
        intervalSeconds: T.Integer({
          minimum: 10,
          default: 60,
          description: 'How often metrics are gathered from each monitored machine.',
        }),
        maxConnections: T.Integer({
          minimum: 1,
          maximum: 500,
          default: 20,
          description: 'Machines one worker gathers metrics from at once (SSH connections or scrapes).',
        }),
        timeoutSeconds: T.Integer({
          minimum: 2,
          default: 20,
          description: 'Gathering metrics from one machine taking longer than this counts as no data.',
        }),
        evaluateSeconds: T.Integer({
          minimum: 10,
          default: 60,
          description: 'How often alert rules are evaluated.',
        }),
        rawRetentionDays: T.Integer({
          minimum: 1,
          default: 31,
          description: 'Raw samples older than this are deleted; hourly rollups keep the long view.',
        }),
        rollupRetentionDays: T.Integer({
          minimum: 1,
          default: 400,
          description: 'Hourly rollups older than this are deleted.',
        }),
        actionLinkHours: T.Integer({
          minimum: 1,
          maximum: 720,
          default: 24,
          description:
            'How long the Acknowledge, Reboot and Stop buttons of an incident message in chat keep working.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Metrics and alert rules.' },
    ),
    automation: T.Object(
      {
        scriptTimeoutSeconds: T.Integer({
          minimum: 1,
          maximum: 86400,
          default: 600,
          description:
            'A script still running on a machine after this long is killed (TERM, then KILL). A run may ask for less, not more.',
        }),
        scriptConcurrency: T.Integer({
          minimum: 1,
          maximum: 1000,
          default: 20,
          description: 'Machines one script run works on at once; the others wait their turn.',
        }),
        scriptMaxOutputKiB: T.Integer({
          minimum: 1,
          maximum: 65536,
          default: 1024,
          description:
            'Output kept per machine and stream (stdout, stderr); beyond it the rest is dropped and the record says so.',
        }),
        expirationCheckSeconds: T.Integer({
          minimum: 1,
          maximum: 3600,
          default: 30,
          description:
            'How often the worker looks for machines whose expiration date or notice time has come.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Scripts, schedules and machine expiration.' },
    ),
    limits: T.Object(
      {
        requestBodyKiB: T.Integer({
          minimum: 16,
          maximum: 65536,
          default: 1024,
          description:
            'Largest request body (and WebSocket message) the api accepts; a larger one answers 413.',
        }),
        streamsPerUser: T.Integer({
          minimum: 1,
          maximum: 1000,
          default: 20,
          description:
            'Live event streams (/api/v1/stream) one person may hold open at once, per api process; one more answers 429.',
        }),
        terminalsPerUser: T.Integer({
          minimum: 1,
          maximum: 1000,
          default: 10,
          description:
            'Web terminals one person may have open at once, per api process; one more answers 429.',
        }),
        recordingMaxMiB: T.Integer({
          minimum: 1,
          maximum: 10240,
          default: 32,
          description:
            'Largest recording of one terminal session. At the limit the recording ends with a note and the terminal is closed, so nothing runs unrecorded.',
        }),
        tagsPerMachine: T.Integer({
          minimum: 1,
          maximum: 1000,
          default: 50,
          description: 'Overcast tags one machine may carry; setting more answers 400.',
        }),
        tagKeyMaxLength: T.Integer({
          minimum: 1,
          maximum: 128,
          default: 128,
          description: 'Longest tag key, in characters (at most 128).',
        }),
        tagValueMaxLength: T.Integer({
          minimum: 0,
          maximum: 256,
          default: 256,
          description: 'Longest tag value, in characters (at most 256).',
        }),
      },
      {
        default: {},
        additionalProperties: false,
        description: 'Caps on what one request, person or resource may use.',
      },
    ),
    outbound: T.Object(
      {
        allowPrivateNetworks: T.Array(T.String({ minLength: 2, maxLength: 64 }), {
          default: [],
          description:
            'Ranges (CIDR, e.g. ["10.0.0.0/8", "fd00::/8"]) that webhooks, node_exporter URLs and cloud addresses may reach although they are ' +
            'private, loopback or link-local. Empty: only public addresses, and private ones for clouds added by an admin. ' +
            'Environment: a comma-separated list.',
        }),
      },
      {
        default: {},
        additionalProperties: false,
        description:
          'Requests Overcast makes to addresses people give it (webhooks, node_exporter, cloud endpoints and hosts).',
      },
    ),
    metrics: T.Object(
      {
        token: T.String({
          default: '',
          // Sent as a bearer token: printable, no spaces, and long enough not to be guessed.
          pattern: '^([!-~]{16,256})?$',
          description:
            'Bearer token Prometheus sends to read /metrics from the api and the worker (Authorization: Bearer <token>), ' +
            '16 to 256 printable characters without spaces. Empty: /metrics answers 404 and the worker opens no metrics port.',
        }),
        workerHost: T.String({
          default: '0.0.0.0',
          description: 'Address the worker serves /metrics on, when metrics.token is set.',
        }),
        workerPort: T.Integer({
          minimum: 1,
          maximum: 65535,
          default: 9464,
          description: 'Port the worker serves /metrics on, when metrics.token is set.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Prometheus metrics.' },
    ),
    worker: T.Object(
      {
        concurrency: T.Integer({
          minimum: 1,
          maximum: 100,
          default: 4,
          description:
            'Jobs one worker runs at once per queue. Its database pool opens at most 10 connections plus one per poll it may run at once.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Background worker.' },
    ),
  },
  { additionalProperties: false },
);

export type Settings = Static<typeof SettingsSchema>;
