import { snapshotCosts } from '@overcast/core/cost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, seedCloud, send, startOrgApi, type TestApi } from './support/harness';

// The cost report over 70 days of snapshots taken by the real snapshot job: sums per group equal
// the totals, a member limited by policy sees only their machines' spend, the CSV carries the same
// numbers with formula cells neutralised, bad ranges are refused, and the idle machines' savings.

const DAYS = 70;
const DAY_MS = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10));
const dayAt = (i: number) => new Date(today.getTime() - (DAYS - 1 - i) * DAY_MS);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const FROM = iso(dayAt(0));
const TO = iso(today);
const EVIL = '=HYPERLINK("http://127.0.0.1/x","y")';

interface Seed {
  name: string;
  cloud: 'a' | 'b';
  monthly: number;
  team?: string;
  owner?: 'member' | 'owner';
  /** The day index the machine first appears. */
  from: number;
}
const MACHINES: Seed[] = [
  { name: 'web-1', cloud: 'a', monthly: 73, team: 'web', owner: 'member', from: 0 },
  { name: 'db-1', cloud: 'a', monthly: 146, team: 'data', owner: 'owner', from: 0 },
  { name: 'drop-1', cloud: 'b', monthly: 36.5, from: 0 },
  { name: 'db-2', cloud: 'a', monthly: 219, team: 'data', owner: 'owner', from: 45 },
  { name: 'evil-1', cloud: 'b', monthly: 3.65, team: EVIL, from: 0 },
  { name: 'evil-2', cloud: 'b', monthly: 7.3, team: '@SUM(1+1)', from: 0 },
];
/** A day's spend in cents of a monthly run-rate (24 of 730 hours). */
const dayCents = (monthly: number) => Math.round((monthly * 24 * 100) / 730);

let api: TestApi;
let ownerCookie: string;
let memberCookie: string;
let memberTeam: string;
const ids: Record<string, string> = {};
const clouds: Record<'a' | 'b', string> = { a: '', b: '' };

const get = (who: string, url: string) => send(api, who, 'GET', url);
const report = async (who: string, query: string) => {
  const res = await get(who, `/api/v1/cost/report?from=${FROM}&to=${TO}&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    periods: string[];
    totals: string[];
    total: string;
    groups: {
      key: string;
      label: string;
      total: string;
      series: string[];
      change: string;
      current: string;
      previous: string;
    }[];
    movers: { label: string; change: string; changePercent: number | null }[];
  };
};
const cents = (s: string) => Math.round(Number(s) * 100);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** RFC 4180 rows: quoted cells with doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  return rows;
}

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  ownerCookie = started.ownerCookie;
  const org = started.owner.organizationId;
  const member = await addMember(api, org, 'member');
  memberCookie = member.cookie;
  clouds.a = (await seedCloud(api.db, org, { provider: 'aws', title: 'aws-prod' })).id;
  clouds.b = (await seedCloud(api.db, org, { provider: 'digitalocean', title: 'do-lab' })).id;
  const team = await send(api, ownerCookie, 'POST', '/api/v1/teams', { name: 'web-team' });
  expect(team.statusCode, team.body).toBe(201);
  memberTeam = team.json().id;
  await send(api, ownerCookie, 'PUT', `/api/v1/teams/${memberTeam}/members`, { userIds: [member.userId] });
  const policies = await send(api, ownerCookie, 'PUT', `/api/v1/teams/${memberTeam}/policies`, {
    policies: [
      { effect: 'allow', action: 'read', kind: 'machines', cloudIds: [], tags: { team: 'web' } },
      { effect: 'allow', action: 'read', kind: 'clouds', cloudIds: [clouds.a], tags: {} },
    ],
  });
  expect(policies.statusCode, policies.body).toBe(200);
  const ownerOf = { member: member.userId, owner: started.owner.userId };
  for (let day = 0; day < DAYS; day++) {
    for (const m of MACHINES.filter((x) => x.from === day)) {
      const row = await api.db.prisma.machine.create({
        data: {
          organizationId: org,
          cloudId: clouds[m.cloud],
          externalId: `ext-${m.name}`,
          name: m.name,
          state: 'running',
          costMonthly: String(m.monthly),
          providerTags: m.team ? { team: m.team } : {},
          createdById: m.owner ? ownerOf[m.owner] : null,
        },
      });
      ids[m.name] = row.id;
    }
    if (day === 0) {
      // web-1's disk: billed with it, and owned by whoever owns web-1.
      await api.db.prisma.volume.create({
        data: {
          organizationId: org,
          cloudId: clouds.a,
          externalId: 'vol-web-1',
          name: 'web-1-data',
          sizeGb: 10,
          costMonthly: '7.30',
          attachedTo: ['ext-web-1'],
        },
      });
    }
    await snapshotCosts(api.db, dayAt(day));
  }
}, 120_000);
afterAll(() => api?.close());

describe('cost report', () => {
  it('groups add up to the totals, by day and by month, for every grouping', async () => {
    const expected = sum(MACHINES.map((m) => dayCents(m.monthly) * (DAYS - m.from))) + dayCents(7.3) * DAYS;
    expect(expected).toBe(81_000);
    for (const groupBy of ['cloud', 'team', 'owner', 'tag:team']) {
      for (const granularity of ['day', 'month']) {
        const r = await report(ownerCookie, `groupBy=${groupBy}&granularity=${granularity}`);
        expect(cents(r.total), `${groupBy} ${granularity}`).toBe(expected);
        expect(sum(r.groups.map((g) => cents(g.total)))).toBe(expected);
        expect(sum(r.totals.map(cents))).toBe(expected);
        for (const g of r.groups) expect(sum(g.series.map(cents))).toBe(cents(g.total));
        r.periods.forEach((_, n) => {
          expect(sum(r.groups.map((g) => cents(g.series[n]!)))).toBe(cents(r.totals[n]!));
        });
        if (granularity === 'day') expect(r.periods).toHaveLength(DAYS);
      }
    }
    const byCloud = await report(ownerCookie, 'groupBy=cloud&granularity=day');
    const aws = byCloud.groups.find((g) => g.label === 'aws-prod')!;
    // Before db-2: web-1, db-1 and the disk; after: db-2 too.
    expect(aws.series[0]).toBe('7.44');
    expect(aws.series[DAYS - 1]).toBe('14.64');
    expect(aws.total).toBe('700.80');

    const byTeam = await report(ownerCookie, 'groupBy=team');
    expect(byTeam.groups.find((g) => g.label === 'web-team')?.total).toBe(
      (((dayCents(73) + dayCents(7.3)) * DAYS) / 100).toFixed(2),
    );
    const byOwner = await report(ownerCookie, 'groupBy=owner');
    expect(byOwner.groups.map((g) => g.label)).toContain('(no owner)');
  });

  it('names the biggest change since last month', async () => {
    const r = await report(ownerCookie, 'groupBy=tag:team');
    // db-2 ran the last 25 of the 30 days and none of the 30 before.
    expect(r.movers[0]).toMatchObject({ label: 'data', change: ((25 * dayCents(219)) / 100).toFixed(2) });
    const data = r.groups.find((g) => g.label === 'data')!;
    expect(cents(data.current) - cents(data.previous)).toBe(25 * dayCents(219));
    expect(r.groups.find((g) => g.label === 'web')?.change).toBe('0.00');
  });

  it('a member limited by policy sees only the spend of the machines they may read', async () => {
    const r = await report(memberCookie, 'groupBy=cloud');
    expect(r.groups.map((g) => g.label)).toEqual(['aws-prod']);
    expect(cents(r.total)).toBe(dayCents(73) * DAYS);
    const tags = await report(memberCookie, 'groupBy=tag:team');
    expect(tags.groups.map((g) => g.label)).toEqual(['web']);
    const csv = await get(memberCookie, `/api/v1/cost/report.csv?from=${FROM}&to=${TO}&groupBy=tag:team`);
    expect(csv.body).not.toContain('data');
  });

  it('the CSV parses back to the report, with formula cells neutralised', async () => {
    const query = `from=${FROM}&to=${TO}&groupBy=tag:team&granularity=month`;
    const json = await report(ownerCookie, 'groupBy=tag:team&granularity=month');
    const res = await get(ownerCookie, `/api/v1/cost/report.csv?${query}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="overcast-cost-tag_team-${FROM}-${TO}.csv"`,
    );
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['period', 'group', 'group_key', 'spend_usd']);
    expect(rows).toHaveLength(json.periods.length * json.groups.length);
    for (const g of json.groups) {
      const mine = rows.filter((r) => r[2] === g.key || r[2] === `'${g.key}`);
      expect(sum(mine.map((r) => cents(r[3]!))), g.label).toBe(cents(g.total));
    }
    expect(sum(rows.map((r) => cents(r[3]!)))).toBe(cents(json.total));
    const groups = new Set(rows.map((r) => r[1]));
    expect(groups).toContain(`'${EVIL}`);
    expect(groups).toContain("'@SUM(1+1)");
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('refuses bad ranges and groupings with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      [`from=${TO}&to=${FROM}`, 'query.from'],
      ['from=2023-01-01&to=2026-01-01', 'query.from'],
      ['from=2026-02-30', 'query.from'],
      ['to=yesterday', 'query.to'],
      ['groupBy=region', 'query.groupBy'],
      ['groupBy=tag:', 'query.groupBy'],
      ['granularity=week', 'query.granularity'],
      ['groupBy=cloud&extra=1', 'query'],
    ];
    for (const [query, field] of cases) {
      for (const path of ['report', 'report.csv']) {
        const res = await get(ownerCookie, `/api/v1/cost/${path}?${query}`);
        expect(res.statusCode, `${path}?${query}: ${res.body}`).toBe(400);
        expect(res.json().error.field ?? '', query).toContain(field);
        expect(res.json().error.message.length).toBeGreaterThan(10);
      }
    }
    const nul = await get(ownerCookie, '/api/v1/cost/report?groupBy=tag:a%00b');
    expect(nul.statusCode).toBe(400);
    const huge = await get(ownerCookie, `/api/v1/cost/report?groupBy=tag:${'k'.repeat(5000)}`);
    expect(huge.statusCode).toBe(400);
  });

  it('savings: stopping the idle machines that bill nothing when stopped', async () => {
    const org = (await api.db.prisma.machine.findUniqueOrThrow({ where: { id: ids['web-1']! } }))
      .organizationId;
    const samples = (name: string, cpu: number) =>
      Array.from({ length: 12 }, (_, h) => ({
        time: new Date(Date.now() - h * 3_600_000),
        organizationId: org,
        machineId: ids[name]!,
        metric: 'cpu',
        value: cpu,
      }));
    await api.db.prisma.metricSample.createMany({
      data: [...samples('web-1', 1.5), ...samples('db-1', 60), ...samples('drop-1', 0.5)],
    });
    const res = await get(ownerCookie, '/api/v1/cost/savings');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    // web-1 (EC2) stops billing when stopped; a powered-off droplet bills in full; db-1 is busy.
    expect(s.machines.map((m: { name: string }) => m.name)).toEqual(['web-1']);
    expect(s.monthly).toBe('73.00');
    expect(s.billedWhenStopped.map((m: { name: string }) => m.name)).toEqual(['drop-1']);
    const theirs = (await get(memberCookie, '/api/v1/cost/savings')).json();
    expect(theirs.machines.map((m: { name: string }) => m.name)).toEqual(['web-1']);
    expect(theirs.billedWhenStopped).toEqual([]);
  });
});
