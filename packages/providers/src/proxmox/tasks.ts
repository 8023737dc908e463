// Proxmox answers a long action (start, shutdown, clone, destroy) with a task id, a UPID, at
// once; the work happens in the task, whose end and outcome are polled at
// `/nodes/{node}/tasks/{upid}/status` until it is `stopped`, `exitstatus` saying how it went.

import { ProviderError } from '@overcast/contracts';
import { kindOf, type Params, PROVIDER, type PveClient } from './client';
import type { ProxmoxConfig } from './config';

/** `UPID:node:pid:pstart:starttime:type:id:user:` */
const UPID = /^UPID:([^:]+):[0-9A-F]{8}:[0-9A-F]{8,}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:$/i;

interface TaskStatus {
  status?: string;
  exitstatus?: string;
  type?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `OK`, or `WARNINGS: n` since Proxmox VE 7: both are success. */
const succeeded = (exit: string | undefined) => exit === 'OK' || /^WARNINGS: \d+$/.test(exit ?? '');

export class TaskRunner {
  constructor(
    private readonly api: PveClient,
    private readonly config: Pick<ProxmoxConfig, 'taskTimeoutMs' | 'taskPollMs'>,
  ) {}

  /** Makes the call and, when it answers with a UPID, waits for that task to end well. */
  async run(method: string, path: string, params: Params | undefined, idempotent: boolean): Promise<void> {
    const upid = await this.api.request<unknown>(method, path, { params, idempotent });
    if (typeof upid === 'string' && upid.startsWith('UPID:')) await this.wait(upid);
  }

  async wait(upid: string): Promise<void> {
    const node = UPID.exec(upid)?.[1];
    if (!node)
      throw new ProviderError(
        'unavailable',
        `${PROVIDER} answered with a task id it cannot be asked about: ${upid}`,
      );
    const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`;
    const deadline = Date.now() + this.config.taskTimeoutMs;
    for (;;) {
      const status = await this.api.request<TaskStatus | null>('GET', path);
      if (status?.status === 'stopped') {
        if (succeeded(status.exitstatus)) return;
        const words = status.exitstatus?.trim() || 'the task failed without saying why';
        throw new ProviderError(kindOf(500, words, true), words, { code: status.type });
      }
      if (Date.now() >= deadline)
        throw new ProviderError(
          'unavailable',
          `${PROVIDER} task ${upid} still runs after ${Math.round(this.config.taskTimeoutMs / 1000)} s; it may yet finish.`,
        );
      await sleep(Math.min(this.config.taskPollMs, Math.max(1, deadline - Date.now())));
    }
  }
}
