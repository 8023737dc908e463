import { Ec2Error, missingParameter } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import { deleteKeyPair, findById, importKeyPair } from '../key-pairs';
import type { SimKeyPair } from '../model';
import { keyPairXml } from '../render';
import { itemList, leaf, tagSet } from '../xml';
import { type ActionContext, checkDryRun } from './context';
import { tagsFor } from './tags';

const KEY_PAIR_FILTERS: FilterFields<SimKeyPair> = {
  fields: {
    'key-name': (k) => k.name,
    'key-pair-id': (k) => k.id,
    fingerprint: (k) => k.fingerprint,
    'key-type': (k) => k.keyType,
  },
  tags: (k) => k.tags,
};

export function importKeyPairAction({ state, region, params }: ActionContext): string {
  const name = params.required('KeyName');
  const material = params.required('PublicKeyMaterial');
  const tags = tagsFor(params.tagSpecifications(), ['key-pair']).get('key-pair');
  checkDryRun(params);
  const pair = importKeyPair(state, region, name, material, tags);
  return (
    leaf('keyFingerprint', pair.fingerprint) +
    leaf('keyName', pair.name) +
    leaf('keyPairId', pair.id) +
    (pair.tags.size > 0 ? tagSet(pair.tags) : '')
  );
}

export function describeKeyPairs({ region, params }: ActionContext): string {
  const names = params.list('KeyName');
  const ids = params.list('KeyPairId');
  const match = compileFilters(params.filters(), KEY_PAIR_FILTERS);
  let pairs: SimKeyPair[];
  if (names.length > 0 || ids.length > 0) {
    pairs = [];
    for (const name of names) {
      const pair = region.keyPairs.get(name);
      if (!pair) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${name}' does not exist`);
      pairs.push(pair);
    }
    for (const id of ids) {
      const pair = findById(region, id);
      if (!pair) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${id}' does not exist`);
      pairs.push(pair);
    }
  } else {
    pairs = [...region.keyPairs.values()];
  }
  const includePublicKey = params.bool('IncludePublicKey');
  return itemList('keySet', pairs.filter(match), (p) => keyPairXml(p, includePublicKey));
}

export function deleteKeyPairAction({ region, params }: ActionContext): string {
  const name = params.str('KeyName');
  const id = params.str('KeyPairId');
  if (name === undefined && id === undefined) throw missingParameter('KeyName');
  checkDryRun(params);
  const pair = deleteKeyPair(region, { name, id });
  return leaf('return', true) + leaf('keyPairId', pair?.id);
}
