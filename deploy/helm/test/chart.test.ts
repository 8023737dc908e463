import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadSettings } from '../../../packages/runtime/src/index';

// The chart as Helm itself lints and renders it, each rendered object checked against the
// Kubernetes API schemas (kubernetes-models), and the settings it hands the services read back
// through the app's own settings loader.

const chart = resolve(import.meta.dirname, '../overcast');
const fetchHelm = resolve(import.meta.dirname, '../fetch-helm.mjs');

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked by schema, then read freely.
type Loose = any;
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: Loose };
  [key: string]: Loose;
};

let helm: string;

beforeAll(() => {
  helm = process.env.HELM || execFileSync(process.execPath, [fetchHelm], { encoding: 'utf8' }).trim();
}, 300_000);

function helmRun(args: string[]) {
  return spawnSync(helm, args, { encoding: 'utf8' });
}

/** `helm template` with these --set values; every object validated against its schema. */
function render(sets: Record<string, string | number | boolean> = {}): Manifest[] {
  const args = ['template', 'rel', chart, '--namespace', 'ops'];
  for (const [key, value] of Object.entries(sets))
    args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${value}`);
  const res = helmRun(args);
  if (res.status !== 0) throw new Error(res.stderr);
  const manifests = parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  for (const m of manifests) {
    const Model = MODELS[`${m.apiVersion}/${m.kind}`];
    if (!Model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
    try {
      new Model(m as never).validate();
    } catch (err) {
      throw new Error(`${m.kind} ${m.metadata.name}: ${(err as Error).message}`);
    }
  }
  return manifests;
}

const find = (ms: Manifest[], kind: string, name: string) => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m)
    throw new Error(`${kind} ${name} not rendered; got ${ms.map((x) => `${x.kind}/${x.metadata.name}`)}`);
  return m;
};
const container = (m: Manifest) => m.spec.template.spec.containers[0];

describe('helm chart', () => {
  it('passes helm lint --strict, bundled and with external services', () => {
    const bundled = helmRun(['lint', chart, '--strict']);
    expect(bundled.status, bundled.stdout + bundled.stderr).toBe(0);
    const external = helmRun([
      'lint',
      chart,
      '--strict',
      '--set',
      'postgresql.bundled=false,postgresql.external.url=postgresql://o:p@db:5432/o',
      '--set',
      'redis.bundled=false,redis.external.url=redis://cache:6379/0,ingress.enabled=true',
    ]);
    expect(external.status, external.stdout + external.stderr).toBe(0);
  });

  it('renders the api with readiness on /readyz and the worker, on the image’s entry points', () => {
    const ms = render();
    expect(ms.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/rel-overcast-settings',
      'Deployment/rel-overcast-api',
      'Deployment/rel-overcast-worker',
      'Secret/rel-overcast-settings',
      'Service/rel-overcast-api',
      'Service/rel-overcast-postgresql',
      'Service/rel-overcast-redis',
      'StatefulSet/rel-overcast-postgresql',
      'StatefulSet/rel-overcast-redis',
    ]);
    const api = find(ms, 'Deployment', 'rel-overcast-api');
    expect(api.spec.replicas).toBe(2);
    const a = container(api);
    expect(a.workingDir).toBe('/app/apps/api');
    expect(a.args).toEqual(['node', 'dist/main.js']);
    expect(a.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(a.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(a.envFrom).toEqual([{ secretRef: { name: 'rel-overcast-settings' } }]);
    const worker = container(find(ms, 'Deployment', 'rel-overcast-worker'));
    expect(worker.workingDir).toBe('/app/apps/worker');
    expect(worker.args).toEqual(['node', 'dist/main.js']);
    expect(worker.livenessProbe.exec.command).toEqual(['node', 'dist/healthcheck.js']);
    expect(worker.envFrom).toEqual(a.envFrom);
    // The api's Service reaches the container port by name.
    const service = find(ms, 'Service', 'rel-overcast-api');
    expect(service.spec.selector).toEqual(api.spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('hands both services settings the app reads: URLs to the bundled services and valid secrets', () => {
    const ms = render({ publicUrl: 'https://overcast.example.org' });
    const secret = find(ms, 'Secret', 'rel-overcast-settings').stringData as Record<string, string>;
    expect(secret.DATABASE_URL).toMatch(
      /^postgresql:\/\/overcast:\w{32}@rel-overcast-postgresql:5432\/overcast$/,
    );
    expect(secret.DATABASE_URL).toContain(secret.POSTGRES_PASSWORD);
    expect(secret.REDIS_URL).toBe('redis://rel-overcast-redis:6379/0');
    const api = container(find(ms, 'Deployment', 'rel-overcast-api'));
    const env = Object.fromEntries(api.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    // The file the ConfigMap mounts, then the environment: exactly what the api would load.
    const dir = mkdtempSync(join(tmpdir(), 'overcast-chart-'));
    try {
      writeFileSync(
        join(dir, 'settings.json'),
        find(ms, 'ConfigMap', 'rel-overcast-settings').data['settings.json'],
      );
      const { settings } = loadSettings({ dir, env: { ...secret, ...env } });
      expect(settings.databaseUrl).toBe(secret.DATABASE_URL);
      expect(settings.publicUrl).toBe('https://overcast.example.org');
      expect(settings.trustedProxies).toEqual(['10.0.0.0/8']);
      expect(settings.shell.recordingsDir).toBe('/app/recordings');
      expect(Buffer.from(settings.secrets.credentialsKey, 'base64')).toHaveLength(32);
      expect(settings.secrets.sessionSecret.length).toBeGreaterThanOrEqual(32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The bundled Postgres takes its password from the same Secret.
    const pg = container(find(ms, 'StatefulSet', 'rel-overcast-postgresql'));
    expect(
      pg.env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef,
    ).toEqual({
      name: 'rel-overcast-settings',
      key: 'POSTGRES_PASSWORD',
    });
  });

  it('uses external Postgres and Redis, or a Secret of your own', () => {
    const external = render({
      'postgresql.bundled': false,
      'postgresql.external.url': 'postgresql://o:p@db.internal:5432/overcast',
      'redis.bundled': false,
      'redis.external.url': 'redis://cache.internal:6379/0',
      'settings.env.OVERCAST_SMTP_HOST': 'smtp.example.org',
    });
    expect(external.some((m) => m.kind === 'StatefulSet')).toBe(false);
    const secret = find(external, 'Secret', 'rel-overcast-settings').stringData;
    expect(secret).toMatchObject({
      DATABASE_URL: 'postgresql://o:p@db.internal:5432/overcast',
      REDIS_URL: 'redis://cache.internal:6379/0',
      OVERCAST_SMTP_HOST: 'smtp.example.org',
    });
    expect(secret.POSTGRES_PASSWORD).toBeUndefined();

    const own = render({
      'settings.existingSecret': 'my-settings',
      'postgresql.bundled': false,
      'redis.bundled': false,
    });
    expect(own.some((m) => m.kind === 'Secret')).toBe(false);
    expect(container(find(own, 'Deployment', 'rel-overcast-worker')).envFrom).toEqual([
      { secretRef: { name: 'my-settings' } },
    ]);

    // Values are checked against the chart's schema: a misspelt key is refused, not ignored.
    const typo = helmRun(['template', 'rel', chart, '--set', 'postgresql.bundeld=false']);
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain("additional properties 'bundeld' not allowed");

    const missing = helmRun(['template', 'rel', chart, '--set', 'postgresql.bundled=false']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set postgresql.external.url');
  });

  it('routes the ingress to the api, WebSockets included, and can keep recordings on a volume', () => {
    const ms = render({
      'ingress.enabled': true,
      'ingress.host': 'oc.example.org',
      'ingress.tls.enabled': true,
      'recordings.persistence.enabled': true,
    });
    const ingress = find(ms, 'Ingress', 'rel-overcast');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect(ingress.spec.tls).toEqual([{ hosts: ['oc.example.org'], secretName: 'overcast-tls' }]);
    const rule = ingress.spec.rules[0];
    expect(rule.host).toBe('oc.example.org');
    expect(rule.http.paths[0]).toEqual({
      path: '/',
      pathType: 'Prefix',
      backend: { service: { name: 'rel-overcast-api', port: { name: 'http' } } },
    });
    const pvc = find(ms, 'PersistentVolumeClaim', 'rel-overcast-recordings');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const api = find(ms, 'Deployment', 'rel-overcast-api');
    expect(api.spec.template.spec.volumes).toContainEqual({
      name: 'recordings',
      persistentVolumeClaim: { claimName: 'rel-overcast-recordings' },
    });
  });

  it('serves /metrics to Prometheus when asked: the token from the Secret, scrape annotations, a ServiceMonitor', () => {
    const off = render();
    expect(find(off, 'Secret', 'rel-overcast-settings').stringData.OVERCAST_METRICS_TOKEN).toBeUndefined();
    expect(off.some((m) => m.metadata.name === 'rel-overcast-worker-metrics')).toBe(false);
    const offWorker = find(off, 'Deployment', 'rel-overcast-worker');
    expect(offWorker.spec.template.metadata.annotations['prometheus.io/scrape']).toBeUndefined();
    expect(container(offWorker).ports).toBeUndefined();

    const ms = render({ 'metrics.enabled': true, 'metrics.serviceMonitor.enabled': true });
    const secret = find(ms, 'Secret', 'rel-overcast-settings').stringData as Record<string, string>;
    expect(secret.OVERCAST_METRICS_TOKEN).toMatch(/^\w{48}$/);
    const api = find(ms, 'Deployment', 'rel-overcast-api');
    const worker = find(ms, 'Deployment', 'rel-overcast-worker');
    expect(api.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    expect(worker.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464',
    });
    expect(container(worker).ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    // What the worker would load: the token from the Secret, the port the chart opens.
    const env = Object.fromEntries(
      container(worker).env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    const dir = mkdtempSync(join(tmpdir(), 'overcast-chart-'));
    try {
      writeFileSync(join(dir, 'settings.json'), '{}');
      const { settings } = loadSettings({ dir, env: { ...secret, ...env } });
      expect(settings.metrics).toMatchObject({ token: secret.OVERCAST_METRICS_TOKEN, workerPort: 9464 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const service = find(ms, 'Service', 'rel-overcast-worker-metrics');
    expect(service.spec.selector).toEqual(worker.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9464, targetPort: 'metrics' }]);
    const monitor = find(ms, 'ServiceMonitor', 'rel-overcast');
    expect(monitor.spec.endpoints.map((e: { port: string }) => e.port)).toEqual(['http', 'metrics']);
    for (const endpoint of monitor.spec.endpoints) {
      expect(endpoint.path).toBe('/metrics');
      expect(endpoint.authorization).toEqual({
        type: 'Bearer',
        credentials: { name: 'rel-overcast-settings', key: 'OVERCAST_METRICS_TOKEN' },
      });
    }
    // The Services it selects carry the labels it asks for, and the ports its endpoints name.
    const selected = ms.filter(
      (m) =>
        m.kind === 'Service' &&
        ['api', 'worker'].includes(m.metadata.labels['app.kubernetes.io/component']) &&
        m.metadata.labels['app.kubernetes.io/instance'] === 'rel',
    );
    expect(selected.map((m) => m.spec.ports[0].name).sort()).toEqual(['http', 'metrics']);

    // A token of your own, or one in a Secret of your own.
    const given = render({ 'metrics.enabled': true, 'metrics.token': 'a-token-of-our-own-1234' });
    expect(find(given, 'Secret', 'rel-overcast-settings').stringData.OVERCAST_METRICS_TOKEN).toBe(
      'a-token-of-our-own-1234',
    );
    const own = render({
      'settings.existingSecret': 'my-settings',
      'postgresql.bundled': false,
      'redis.bundled': false,
      'metrics.enabled': true,
      'metrics.serviceMonitor.enabled': true,
    });
    expect(find(own, 'ServiceMonitor', 'rel-overcast').spec.endpoints[0].authorization.credentials.name).toBe(
      'my-settings',
    );
    const short = helmRun(['template', 'rel', chart, '--set', 'metrics.enabled=true,metrics.token=short']);
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('/metrics/token');
  });
});
