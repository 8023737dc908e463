import { describe, expect, it } from 'vitest';
import { actionsFor } from './state';

describe('actions offered for a machine', () => {
  it('never offers Stop for an SSH host, which Overcast could not start again; Reboot only while it runs', () => {
    expect(actionsFor({ provider: 'ssh_host', state: 'running', rawState: 'running' })).toEqual([
      'reboot',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ provider: 'ssh_host', state: 'unknown', rawState: 'unreachable' })).toEqual([
      'rename',
      'destroy',
    ]);
  });

  it('offers a container that never ran Start, not Stop or Reboot', () => {
    expect(actionsFor({ provider: 'docker', state: 'stopped', rawState: 'created' })).toEqual([
      'start',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ provider: 'docker', state: 'running', rawState: 'running' })).toContain('pause');
  });

  it('follows the state for clouds with machines', () => {
    expect(actionsFor({ provider: 'aws', state: 'running', rawState: 'running' })).toEqual([
      'stop',
      'reboot',
      'rename',
      'destroy',
    ]);
    expect(actionsFor({ provider: 'aws', state: 'terminated', rawState: 'terminated' })).toEqual([]);
  });
});
