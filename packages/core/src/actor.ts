/** Who did something and from where; built once per request by the api, or by a job. */
export interface Actor {
  organizationId: string | null;
  userId?: string | null;
  tokenId?: string | null;
  /** What a person reads in the Activity page: an email, "worker", "schedule: nightly stop"... */
  label: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** An actor inside one organization: what every organization-scoped change is made by. */
export type OrgActor = Actor & { organizationId: string };
