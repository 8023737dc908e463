import { describe, expect, it } from 'vitest';
import { type ActionTraits, actionsFor } from './state';

const plain = { features: { containers: false, extraActions: [] } };
const hosts: ActionTraits = { ...plain, machinesFromConfig: true };
const engine: ActionTraits = { features: { containers: true, extraActions: ['pause', 'unpause'] } };

describe('actions offered for a machine', () => {
  it("never offers Stop for a host listed in its cloud's config (an SSH host), which Overcast could not start again; Reboot only while it runs", () => {
    expect(actionsFor({ state: 'running', rawState: 'running' }, hosts)).toEqual([
      'reboot',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ state: 'unknown', rawState: 'unreachable' }, hosts)).toEqual(['rename', 'destroy']);
  });

  it('offers a container that never ran Start, not Stop or Reboot', () => {
    expect(actionsFor({ state: 'stopped', rawState: 'created' }, engine)).toEqual([
      'start',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ state: 'running', rawState: 'running' }, engine)).toContain('pause');
  });

  it('follows the state for clouds with machines', () => {
    expect(actionsFor({ state: 'running', rawState: 'running' }, plain)).toEqual([
      'stop',
      'reboot',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ state: 'terminated', rawState: 'terminated' }, plain)).toEqual([]);
  });
});
