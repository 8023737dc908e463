// Test support: raw EC2 Query calls (what any EC2 client puts on the wire) and a reader of
// XML element paths, to compare the emulator's answers with recorded ones.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';

export const EC2_FIXTURES = libcloudFixtures('ec2');

export function fixture(name: string): string {
  return readFileSync(path.join(EC2_FIXTURES, name), 'utf8');
}

export interface CallOptions {
  region?: string;
  accessKeyId?: string;
  /** Sends no Authorization header at all. */
  unsigned?: boolean;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/** POSTs an EC2 Query request with a SigV4-shaped Authorization header. */
export async function call(
  url: string,
  params: Record<string, string>,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (!options.unsigned) {
    const scope = `${options.accessKeyId ?? 'AKIDOVERCASTSIM'}/20260101/${options.region ?? 'us-east-1'}/ec2/aws4_request`;
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=00`;
  }
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ Version: '2016-11-15', ...params }),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The text of the first `<tag>` (enough for ids, codes and tokens in tests). */
export function text(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export function texts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);
}

/**
 * Every element path of a document (`DescribeVolumesResponse/volumeSet/item/size`), root
 * included; namespace prefixes and attributes are ignored.
 */
export function elementPaths(xml: string): Set<string> {
  const paths = new Set<string>();
  const stack: string[] = [];
  for (const match of xml.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = rawName!.replace(/^[\w-]+:/, '');
    if (closing) {
      stack.pop();
      continue;
    }
    stack.push(name);
    paths.add(stack.join('/'));
    if (selfClosing) stack.pop();
  }
  return paths;
}
