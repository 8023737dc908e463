import { dryRunSucceeded } from '../errors';
import type { QueryParams } from '../params';
import type { Ec2State, RegionState } from '../state';

export interface ActionContext {
  state: Ec2State;
  region: RegionState;
  params: QueryParams;
}

/** Renders the body of `<ActionResponse>` (everything after requestId). */
export type ActionHandler = (ctx: ActionContext) => string;

/** DryRun=true answers DryRunOperation once the request is known to be valid. */
export function checkDryRun(params: QueryParams): void {
  if (params.bool('DryRun')) throw dryRunSucceeded();
}
