// The EC2 answer reader against the SDK's own: the same object from the same XML, and the same
// typed DescribeInstances output from the emulator through either.

import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { XmlShapeDeserializer } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { Ec2Protocol, readXml } from './xml';

/** What the SDK's deserializer makes of the text, through its own parser. */
class SdkReader extends XmlShapeDeserializer {
  parse(xml: string): unknown {
    return this.parseXml(xml);
  }
}
const sdk = new SdkReader({
  httpBindings: false,
  timestampFormat: { useTrait: true, default: 5 },
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15',
  serviceNamespace: 'com.amazonaws.ec2',
});

const DOCUMENTS: Record<string, string> = {
  'an EC2 listing': `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1234567890abcdef0</reservationId>
            <groupSet/>
            <instancesSet>
                <item>
                    <instanceId>i-1234567890abcdef0</instanceId>
                    <instanceState><code>16</code><name>running</name></instanceState>
                    <tagSet>
                        <item><key>Name</key><value>web &amp; db &lt;1&gt; &#233;&#x41;</value></item>
                        <item><key>empty</key><value></value></item>
                        <item><key>spaced</key><value>  two  words </value></item>
                    </tagSet>
                    <launchTime>2026-06-01T12:00:00.000Z</launchTime>
                    <ebsOptimized>false</ebsOptimized>
                </item>
                <item>
                    <instanceId>i-0000000000000000b</instanceId>
                    <tagSet/>
                </item>
            </instancesSet>
        </item>
    </reservationSet>
    <nextToken>abc==</nextToken>
</DescribeInstancesResponse>`,
  'attributes, text beside children, CDATA and comments': `<!DOCTYPE r [<!ENTITY x "y">]>
<!-- before -->
<Root a="1" b='two &quot;q&quot;'>root text<!-- inside --><Child kind="k">child text</Child>
  <Mixed>lead<Inner>deep</Inner>tail</Mixed>
  <Attrs only="yes"/>
  <Data><![CDATA[<not> &amp; markup]]></Data>
  <Pi><?ignored here?>kept</Pi>
  <Spaces>   </Spaces>
  <Lines>
  </Lines>
  <Repeated>1</Repeated><Repeated>2</Repeated><Repeated><Nested>3</Nested></Repeated>
</Root>`,
  'windows line ends and a text root':
    '<?xml version="1.0"?>\r\n<Message>line one\r\nline two\rthree</Message>',
  'a root with only attributes': '<Error Code="Throttling" Message="slow down"/>',
};
// The SDK's own reader fails on this one (it reads its placeholder for the key as a value).
const PROTO = '<R><__proto__><polluted>yes</polluted></__proto__><ok>1</ok></R>';

describe('readXml', () => {
  for (const [what, xml] of Object.entries(DOCUMENTS)) {
    it(`reads ${what} as the SDK does`, () => {
      expect(readXml(xml)).toEqual(sdk.parse(xml));
    });
  }

  it('keeps an element named __proto__ as data, never as a prototype', () => {
    const read = readXml(PROTO) as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(read.ok).toBe('1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['an unclosed element', '<A><B>text</B>'],
    ['mismatched tags', '<A><B>text</C></A>'],
    ['no root element', '<?xml version="1.0"?>'],
    ['text before the root', 'oops<A/>'],
  ])('refuses %s, keeping the answer for the error', (_, xml) => {
    expect(() => sdk.parse(xml)).toThrow();
    let caught: unknown;
    try {
      readXml(xml);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { $responseBodyText?: string }).$responseBodyText).toBe(xml);
  });

  it('reads character references beyond the basic plane, and one outside Unicode as U+FFFD', () => {
    expect(readXml('<A>&#x1F600; &#128512; &#x110000;</A>')).toBe('\u{1F600} \u{1F600} \ufffd');
  });

  it('reads an empty answer as an empty object', () => {
    expect(readXml('')).toEqual({});
  });
});

describe('the EC2 protocol with readXml', () => {
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({ seed: 300, transitionMs: 0 });
  });
  afterAll(() => sim.close());

  const client = (withProtocol: boolean) =>
    new EC2Client({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: 'any-secret' },
      maxAttempts: 1,
      ...(withProtocol ? { protocol: Ec2Protocol } : {}),
    });

  it('lists the same instances, field for field, as the SDK alone', async () => {
    const ask = () => new DescribeInstancesCommand({ MaxResults: 1000 });
    const [ours, theirs] = await Promise.all([client(true).send(ask()), client(false).send(ask())]);
    const instances = ours.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances.length).toBeGreaterThan(10);
    expect(instances[0]?.InstanceId).toMatch(/^i-/);
    expect(instances[0]?.LaunchTime).toBeInstanceOf(Date);
    const { $metadata: _a, ...ourBody } = ours;
    const { $metadata: _b, ...theirBody } = theirs;
    expect(ourBody).toEqual(theirBody);
  });

  it("still reads EC2's error answers", async () => {
    const refused = new EC2Client({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' },
      maxAttempts: 1,
      protocol: Ec2Protocol,
    });
    await expect(refused.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: expect.stringMatching(/AuthFailure|UnrecognizedClient|InvalidClientTokenId/),
    });
  });
});
