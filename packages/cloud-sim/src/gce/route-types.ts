// What a Compute Engine route is: its method, path pattern, IAM permission and handler.

import type { GceProject } from './project';

export interface GceRouteContext {
  project: GceProject;
  url: URL;
  body: unknown;
  /** Email of the calling service account (operations record it). */
  user: string;
  /** Longest a `wait` call blocks. */
  waitCapMs: number;
}

export interface GceRoute {
  method: string;
  pattern: RegExp;
  /** The IAM permission Compute Engine would check, named in 403 answers. */
  permission: string;
  handle: (ctx: GceRouteContext, params: string[]) => unknown | Promise<unknown>;
}
