import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS } from '../src/registry';
import { findNameComparisons, scanText } from './name-comparisons';

const ROOT = resolve(import.meta.dirname, '../../..');
const FOLDERS = readdirSync(resolve(import.meta.dirname, '../src'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'common')
  .map((d) => d.name);

describe('provider names', () => {
  it('are compared nowhere outside their own folders, the registry, the emulators and tests', () => {
    expect(findNameComparisons(ROOT, PROVIDER_KINDS, FOLDERS)).toEqual([]);
  });

  it('catches the comparisons the modules replaced, and leaves prose alone', () => {
    const old = [
      "  if (cloud.provider !== 'docker') {",
      '  if (provider === "gce" && typeof tokenUri === "string") hosts.push(tokenUri);',
      "    case 'aws': {",
      "      where: { provider: 'docker', enabled: true },",
      "const NO_COMPUTE_WHILE_STOPPED: readonly ProviderKind[] = ['aws', 'gce'];",
      "  ssh_host: 'SSH hosts',",
      "  libvirt: ['uri', 'host'],",
      "export type UnregisteredKind = 'hetzner' | 'linode' | 'vultr';",
    ];
    expect(scanText('x.ts', old.join('\n'), PROVIDER_KINDS).map((f) => f.line)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const prose = [
      "  throw new DomainError('invalid', 'not_a_docker_cloud', `${cloud.title} is not a Docker engine.`);",
      '// An engine reached through a machine: docker over SSH, like gce or aws keys.',
      " * `provider === 'docker'` in a comment is not code.",
      "const label = 'Docker';",
      "import { createDockerDriver } from './docker/index';",
    ];
    expect(scanText('x.ts', prose.join('\n'), PROVIDER_KINDS)).toEqual([]);
  });
});
