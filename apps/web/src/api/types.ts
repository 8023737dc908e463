// Wire types for the calls the web app makes, taken from the shared contracts.
// Type-only imports: none of the schema runtime ends up in the bundle.
import type { ErrorBody, MachineActionRequest, Me } from '@overcast/contracts';

export type {
  ActionLinkPreview,
  ActionLinkResult,
  ChannelKind,
  ChannelTestResult,
  ChatKind,
  Cloud,
  CloudProvider,
  ContainerCreateLine,
  CostHistory,
  CostSummary,
  CreateCloudRequest,
  CreateContainerRequest,
  CreateMachineRequest,
  CreateNotificationChannelRequest,
  CreateRuleRequest,
  CreateScheduleRequest,
  CreateScriptRequest,
  CreateSshKeyRequest,
  CreateVolumeRequest,
  EngineFacts,
  EstimateMachineRequest,
  ExpiringMachine,
  FleetUsage,
  Image,
  Incident,
  Limits,
  LimitsInput,
  Location,
  LoginRequest,
  Machine,
  MachineDetail,
  MachineEstimate,
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
  NotificationChannelList,
  PreviewScheduleRequest,
  ProviderInfo,
  Role,
  Rule,
  RuleAction,
  RuleCondition,
  RuleTarget,
  Schedule,
  ScheduleAction,
  ScheduleRun,
  ScheduleTrigger,
  ScopeLimits,
  Script,
  ScriptParameter,
  ScriptRun,
  ScriptRunSummary,
  ScriptRunTarget,
  ScriptVersion,
  SetExpirationRequest,
  ShellServerMessage,
  ShellSession,
  Size,
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
  VolumeList,
} from '@overcast/contracts';

export type MachineAction = MachineActionRequest['action'];

/** Who is signed in, in which organization, with which role (POST /auth/login, GET /me). */
export type Session = Me;
export type User = Me['user'];
export type Organization = Me['organization'];

/** Every non-2xx response from the API carries this body. */
export type ApiErrorBody = ErrorBody;

export interface ListOf<T> {
  items: T[];
}
