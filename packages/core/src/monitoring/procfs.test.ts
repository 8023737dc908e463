import { describe, expect, it } from 'vitest';
import { parsePrometheusText, valuesFromScrapes } from './node-exporter';
import { parseProcOutput } from './procfs';
import { stepFor } from './series';

const NET = (
  rx: number,
  tx: number,
) => `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 999999 10 0 0 0 0 0 0 999999 10 0 0 0 0 0 0
  eth0: ${rx} 100 0 0 0 0 0 0 ${tx} 80 0 0 0 0 0 0`;

const OUTPUT = `#uptime
1000.00 3000.00
#stat
cpu  100 0 100 800 0 0 0 0 0 0
#net
${NET(1000, 500)}
#uptime
1002.00 3001.00
#stat
cpu  150 0 150 850 0 0 0 0 0 0
#net
${NET(5000, 2500)}
#load
0.50 0.25 0.10 1/200 1234
#mem
MemTotal:        1000000 kB
MemFree:          100000 kB
MemAvailable:     250000 kB
#df
Filesystem     1024-blocks      Used Available Capacity Mounted on
/dev/sda1         1000000    900000    100000      90% /
tmpfs              100000         0    100000       0% /dev/shm
/dev/sdb1          200000     50000    150000      25% /srv/my data
`;

describe('reading /proc', () => {
  it('turns two snapshots into rates and percentages', () => {
    const values = parseProcOutput(OUTPUT);
    const get = (metric: string, series = '') =>
      values.find((v) => v.metric === metric && v.series === series)?.value;
    // 150 busy of 200 jiffies.
    expect(get('cpu')).toBe(66.67);
    expect(get('load1')).toBe(0.5);
    expect(get('load15')).toBe(0.1);
    expect(get('memory')).toBe(75);
    expect(get('disk', '/')).toBe(90);
    expect(get('disk', '/srv/my data')).toBe(25);
    expect(get('disk', '/dev/shm')).toBeUndefined();
    // lo is left out; 4000 bytes over 2 s.
    expect(get('net_rx')).toBe(2000);
    expect(get('net_tx')).toBe(1000);
  });

  it('leaves out what it cannot read instead of guessing', () => {
    expect(parseProcOutput('garbage\n#load\nnot numbers')).toEqual([]);
  });
});

describe('node_exporter', () => {
  const scrape = (idle: number, user: number, rx: number) =>
    parsePrometheusText(`# HELP node_cpu_seconds_total Seconds.
node_cpu_seconds_total{cpu="0",mode="idle"} ${idle}
node_cpu_seconds_total{cpu="0",mode="user"} ${user}
node_load1 1.5
node_load5 1
node_load15 0.5
node_memory_MemTotal_bytes 2e+09
node_memory_MemAvailable_bytes 5e+08
node_filesystem_size_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 1000
node_filesystem_avail_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 400
node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 1000
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 1000
node_network_receive_bytes_total{device="eth0"} ${rx}
node_network_receive_bytes_total{device="lo"} 1e9
node_network_transmit_bytes_total{device="eth0"} 0`);

  it('computes the same metrics from two scrapes', () => {
    const values = valuesFromScrapes(scrape(100, 100, 0), scrape(130, 170, 3000), 1.5);
    const get = (metric: string, series = '') =>
      values.find((v) => v.metric === metric && v.series === series)?.value;
    expect(get('cpu')).toBe(70);
    expect(get('load1')).toBe(1.5);
    expect(get('memory')).toBe(75);
    expect(get('disk', '/')).toBe(60);
    expect(get('disk', '/run')).toBeUndefined();
    expect(get('net_rx')).toBe(2000);
  });

  it('parses labels with escaped quotes', () => {
    const [s] = parsePrometheusText('x{a="say \\"hi\\"",b="2"} 3');
    expect(s).toEqual({ name: 'x', labels: { a: 'say "hi"', b: '2' }, value: 3 });
  });
});

describe('graph steps', () => {
  it('keeps every range to at most 500 points', () => {
    for (const range of [3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400]) {
      expect(range / stepFor(range, 10)).toBeLessThanOrEqual(500);
    }
    expect(stepFor(3600, 10)).toBe(10);
    expect(stepFor(30 * 86400, 10)).toBe(7200);
  });
});
