import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// Which of some processes hold a TCP connection to a loopback port, read from /proc: tests use it
// to tell which worker is in the middle of a job (connected to the sshd a script runs on).

/** Inodes of established TCP connections whose remote end is `port`. */
function socketsTo(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... uid timeout inode
      const remote = cols[2];
      if (!remote || cols[3] !== '01') continue;
      if (Number.parseInt(remote.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The processes of `pids` with an established connection to `127.x:port`. */
export function connectedTo(port: number, pids: number[]): number[] {
  const inodes = socketsTo(port);
  if (inodes.size === 0) return [];
  return pids.filter((pid) => {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      return false;
    }
    return fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]!);
      } catch {
        return false;
      }
    });
  });
}
