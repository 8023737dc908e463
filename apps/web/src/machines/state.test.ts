import { describe, expect, it } from 'vitest';
import { type ActionTraits, actionsFor, machineLook, stoppedButBilled } from './state';

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

  it('never offers Rename where the provider fixes names', () => {
    const fixed: ActionTraits = { features: { containers: false, extraActions: [], rename: false } };
    expect(actionsFor({ state: 'running', rawState: 'Running' }, fixed)).toEqual([
      'stop',
      'reboot',
      'destroy',
    ]);
    expect(actionsFor({ state: 'stopped', rawState: 'Stopped' }, fixed)).toEqual(['start', 'destroy']);
  });

  it('offers Deallocate where the provider names it, to a running or still-billed stopped machine only', () => {
    const releasing: ActionTraits = {
      features: { containers: false, extraActions: ['deallocate'] },
      unbilledStates: ['deallocating', 'deallocated'],
    };
    expect(actionsFor({ state: 'running', rawState: 'running' }, releasing)).toEqual([
      'stop',
      'deallocate',
      'reboot',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ state: 'stopped', rawState: 'stopped' }, releasing)).toEqual([
      'start',
      'deallocate',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ state: 'stopped', rawState: 'deallocated' }, releasing)).toEqual([
      'start',
      'rename',
      'destroy',
    ]);
    // A provider without the feature never sees it, whatever its words for the state.
    for (const machine of [
      { state: 'running', rawState: 'running' },
      { state: 'stopped', rawState: 'stopped' },
    ])
      expect(actionsFor(machine, plain)).not.toContain('deallocate');
  });

  it('shows a deallocated machine as such, and a merely stopped one as still billed', () => {
    const releasing: ActionTraits = {
      features: { containers: false, extraActions: ['deallocate'] },
      unbilledStates: ['deallocated'],
    };
    const deallocated = { state: 'stopped', rawState: 'deallocated' };
    const stopped = { state: 'stopped', rawState: 'stopped' };
    expect(machineLook(deallocated, releasing)).toMatchObject({ label: 'Deallocated' });
    expect(machineLook(deallocated, releasing).description).toMatch(/only its disks are billed/);
    expect(machineLook(stopped, releasing).label).toBe('Stopped');
    expect(stoppedButBilled(stopped, releasing)).toBe(true);
    expect(stoppedButBilled(deallocated, releasing)).toBe(false);
    expect(stoppedButBilled({ state: 'running', rawState: 'running' }, releasing)).toBe(false);
    // Elsewhere a stopped machine is just stopped.
    expect(machineLook(deallocated, plain).label).toBe('Stopped');
    expect(stoppedButBilled(stopped, plain)).toBe(false);
  });
});
