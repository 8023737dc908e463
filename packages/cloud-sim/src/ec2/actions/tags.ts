import { Ec2Error, invalidValue, missingParameter } from '../errors';
import { instancesIn } from '../instance-ops';
import { findById } from '../key-pairs';
import type { TagSpec } from '../params';
import { snapshotsIn } from '../snapshot-ops';
import type { RegionState } from '../state';
import { volumesIn } from '../volume-ops';
import { leaf } from '../xml';
import { type ActionContext, checkDryRun } from './context';

const MAX_TAGS = 50;

/** EC2's tag rules: key 1-128 chars, value up to 256, and `aws:` is reserved. */
export function validateTags(tags: Map<string, string>): void {
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > 128)
      throw invalidValue(`Tag key exceeds the maximum length of 128 characters`);
    if (value.length > 256) throw invalidValue(`Tag value exceeds the maximum length of 256 characters`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
  }
}

/** Tags per resource type from TagSpecification.N; other types are refused as EC2 does. */
export function tagsFor(specs: TagSpec[], allowed: string[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const spec of specs) {
    if (!allowed.includes(spec.resourceType)) {
      throw invalidValue(`'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
    }
    validateTags(spec.tags);
    out.set(spec.resourceType, new Map([...(out.get(spec.resourceType) ?? []), ...spec.tags]));
  }
  return out;
}

function taggable(region: RegionState, id: string): Map<string, string> {
  if (id.startsWith('i-')) return instancesIn(region, [id])[0]!.tags;
  if (id.startsWith('vol-')) return volumesIn(region, [id])[0]!.tags;
  if (id.startsWith('snap-')) return snapshotsIn(region, [id])[0]!.tags;
  if (id.startsWith('ami-')) {
    const image = region.imagesById.get(id);
    if (!image || image.isPublic)
      throw new Ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    return image.tags;
  }
  if (id.startsWith('key-')) {
    const pair = findById(region, id);
    if (!pair) throw new Ec2Error('InvalidKeyPairID.NotFound', `The key pair ID '${id}' does not exist`);
    return pair.tags;
  }
  throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
}

export function createTags({ region, params }: ActionContext): string {
  const ids = params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('resourceIdSet');
  const tags = params.tags('Tag');
  if (tags.size === 0) throw missingParameter('tagSet');
  validateTags(tags);
  const targets = ids.map((id) => taggable(region, id));
  for (const target of targets) {
    const keys = new Set([...target.keys(), ...tags.keys()]);
    if (keys.size > MAX_TAGS) {
      throw new Ec2Error('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
    }
  }
  checkDryRun(params);
  for (const target of targets) for (const [key, value] of tags) target.set(key, value);
  return leaf('return', true);
}

/** A Tag.N without Value deletes the key whatever its value; with Value only on a match. */
export function deleteTags({ region, params }: ActionContext): string {
  const ids = params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('resourceIdSet');
  const targets = ids.map((id) => taggable(region, id));
  const specs = params.structs('Tag').map((t) => ({ key: t.required('Key'), value: t.str('Value') }));
  checkDryRun(params);
  for (const target of targets) {
    if (specs.length === 0) target.clear();
    for (const { key, value } of specs) {
      if (value === undefined || target.get(key) === value) target.delete(key);
    }
  }
  return leaf('return', true);
}
