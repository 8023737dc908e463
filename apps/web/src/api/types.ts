// Wire types for the calls the web app makes, taken from the shared contracts.
// Type-only imports: none of the schema runtime ends up in the bundle.
import type {
  ChannelTestResult,
  Cloud,
  CloudProvider,
  ContainerCreateLine,
  CostSummary,
  CreateCloudRequest,
  CreateContainerRequest,
  CreateMachineRequest,
  CreateNotificationChannelRequest,
  CreateRuleRequest,
  CreateScheduleRequest,
  CreateScriptRequest,
  CreateSshKeyRequest,
  EngineFacts,
  ErrorBody,
  ExpiringMachine,
  FleetUsage,
  Incident,
  LoginRequest,
  Machine,
  MachineActionRequest,
  MachineDetail,
  MachineEvent,
  MachineExpiration,
  MachineMonitoring,
  MachineMonitoringRequest,
  MachinePage,
  MachineSsh,
  MachineSshRequest,
  Me,
  MetricName,
  MetricSeries,
  NotificationChannel,
  PreviewScheduleRequest,
  Role,
  Rule,
  RuleAction,
  RuleCondition,
  RuleTarget,
  Schedule,
  ScheduleAction,
  ScheduleRun,
  ScheduleTrigger,
  Script,
  ScriptParameter,
  ScriptRun,
  ScriptRunSummary,
  ScriptRunTarget,
  ScriptVersion,
  SetExpirationRequest,
  ShellServerMessage,
  ShellSession,
  SshKey,
  StartScriptRunRequest,
  StreamEvent,
  TargetSelector,
  TimelineEntry,
  UpdateCloudRequest,
  UpdateRuleRequest,
  UpdateScheduleRequest,
  UpdateScriptRequest,
  UpdateSshKeyRequest,
  Volume,
} from '@overcast/contracts';

export type {
  ChannelTestResult,
  Cloud,
  CloudProvider,
  ContainerCreateLine,
  CostSummary,
  CreateCloudRequest,
  CreateContainerRequest,
  CreateMachineRequest,
  CreateNotificationChannelRequest,
  CreateRuleRequest,
  CreateScheduleRequest,
  CreateScriptRequest,
  CreateSshKeyRequest,
  EngineFacts,
  ExpiringMachine,
  FleetUsage,
  Incident,
  LoginRequest,
  Machine,
  MachineDetail,
  MachineEvent,
  MachineExpiration,
  MachineMonitoring,
  MachineMonitoringRequest,
  MachinePage,
  MachineSsh,
  MachineSshRequest,
  MetricName,
  MetricSeries,
  NotificationChannel,
  PreviewScheduleRequest,
  Role,
  Rule,
  RuleAction,
  RuleCondition,
  RuleTarget,
  Schedule,
  ScheduleAction,
  ScheduleRun,
  ScheduleTrigger,
  Script,
  ScriptParameter,
  ScriptRun,
  ScriptRunSummary,
  ScriptRunTarget,
  ScriptVersion,
  SetExpirationRequest,
  ShellServerMessage,
  ShellSession,
  SshKey,
  StartScriptRunRequest,
  StreamEvent,
  TargetSelector,
  TimelineEntry,
  UpdateCloudRequest,
  UpdateRuleRequest,
  UpdateScheduleRequest,
  UpdateScriptRequest,
  UpdateSshKeyRequest,
  Volume,
};

export type MachineAction = MachineActionRequest['action'];

/** Who is signed in, in which organization, with which role (POST /auth/login, GET /me). */
export type Session = Me;
export type User = Me['user'];
export type Organization = Me['organization'];

/** Every non-2xx response from the API carries this body. */
export type ApiErrorBody = ErrorBody;

// The catalog and cost history schemas have no exported static types; these mirror
// Size, Image, Location and CostHistory in packages/contracts/src/api/inventory.ts.
export interface Size {
  externalId: string;
  name: string;
  cpus: number | null;
  memoryMb: number | null;
  diskGb: number | null;
  priceMonthly: string | null;
  priceHourly: string | null;
  currency: string;
  /** Where the size is offered; empty when everywhere or unknown. */
  locations: string[];
}

export interface Image {
  externalId: string;
  name: string;
  os: string | null;
  isPublic: boolean;
}

export interface Location {
  externalId: string;
  name: string;
  country: string | null;
}

export interface CostHistory {
  currency: string;
  days: { day: string; monthly: string }[];
}

export interface CreateVolumeRequest {
  name: string;
  sizeGb: number;
  location: string;
}

export interface ListOf<T> {
  items: T[];
}
