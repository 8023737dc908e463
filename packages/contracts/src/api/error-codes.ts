/**
 * Every error code the api can answer with: its HTTP status and what it means, in one line. A test
 * holds the sources to it (each code thrown in the api or core is listed here), and the OpenAPI
 * document serves it, so a client can rely on the list. `status` is a list for the few codes whose
 * status depends on where they arise.
 */
export const ERROR_CATALOGUE = {
  // The request itself
  validation_failed: {
    status: 400,
    meaning: 'A field is missing, unknown, of the wrong type or out of range.',
  },
  invalid_input: { status: 400, meaning: 'An input carries something never accepted (a NUL byte).' },
  invalid_json: { status: 400, meaning: 'The request body is not valid JSON, or is empty.' },
  bad_request: { status: 400, meaning: 'The request is malformed in a way the other codes do not name.' },
  payload_too_large: { status: 413, meaning: 'The request body is over limits.requestBodyKiB.' },
  unsupported_media_type: { status: 415, meaning: 'The request body is not application/json.' },
  upgrade_required: { status: 426, meaning: 'The endpoint is a WebSocket; connect with ws:// or wss://.' },
  not_found: {
    status: 404,
    meaning: 'No route answers this method and path, or /metrics is off (no metrics.token).',
  },
  internal: { status: 500, meaning: 'Something failed on the server; the request id is in the log.' },
  internal_error: { status: 500, meaning: 'A streamed operation failed on the server after it began.' },
  database_unavailable: {
    status: 503,
    meaning: 'PostgreSQL does not answer; retry after Retry-After seconds.',
  },

  // Who is calling
  unauthenticated: { status: 401, meaning: 'No valid session or API token; log in again.' },
  invalid_token: { status: 401, meaning: 'The API token is unknown, revoked or expired.' },
  invalid_credentials: { status: [401, 403], meaning: 'Wrong email or password.' },
  totp_required: { status: 401, meaning: 'The account has two-factor login; send the code too.' },
  invalid_totp: { status: 401, meaning: 'The two-factor or recovery code is wrong.' },
  invalid_code: { status: 400, meaning: 'The two-factor code given to confirm enrolment is wrong.' },
  totp_enabled: { status: 409, meaning: 'Two-factor login is already on.' },
  totp_not_started: { status: 409, meaning: 'Two-factor enrolment was not started.' },
  no_organization: { status: 403, meaning: 'The account belongs to no organization.' },
  session_only: {
    status: 400,
    meaning: 'Only a browser session can do this; an API token belongs to one organization.',
  },
  forbidden: { status: 403, meaning: 'The caller’s role, teams or token scope do not allow this.' },
  action_link_invalid: {
    status: 400,
    meaning:
      'The action link was not made by this Overcast (altered or cut short); use the buttons of a newer message.',
  },
  action_link_expired: { status: 410, meaning: 'The action link is older than monitoring.actionLinkHours.' },
  action_link_used: { status: 409, meaning: 'The action link was used already; each button works once.' },
  action_link_foreign: {
    status: 404,
    meaning: 'The action link belongs to another organization than the one you are logged in to.',
  },
  not_allowed: { status: 403, meaning: 'The person an action runs for may not act on that machine.' },
  ansible_admins_only: {
    status: 403,
    meaning: 'Only owners and admins save playbooks (ansible scripts, templates with ansible steps).',
  },
  tag_change_not_allowed: { status: 403, meaning: 'The tag change would grant its maker a right they lack.' },
  token_organization: { status: 403, meaning: 'The API token does not cover the organization asked for.' },
  organization_required: {
    status: 400,
    meaning: 'A token for several organizations must name one (X-Overcast-Organization).',
  },
  invalid_organization: { status: 400, meaning: 'The organization named is not one of the caller’s.' },
  rate_limited: { status: 429, meaning: 'Too many attempts or requests; retry after Retry-After seconds.' },
  too_many_streams: { status: 429, meaning: 'The caller has limits.streamsPerUser live streams open.' },
  too_many_terminals: { status: 429, meaning: 'The caller has limits.terminalsPerUser terminals open.' },
  metrics_token_refused: {
    status: 401,
    meaning: 'The bearer token sent to /metrics is missing or is not metrics.token.',
  },

  // People and organizations
  weak_password: { status: 400, meaning: 'The password is too short, common or a simple pattern.' },
  same_password: { status: 400, meaning: 'The new password is the current one.' },
  invalid_email: { status: 400, meaning: 'The email address is not valid.' },
  invalid_name: { status: 400, meaning: 'The name is empty or not allowed.' },
  already_member: { status: 409, meaning: 'The person is already a member.' },
  not_a_member: { status: [400, 403], meaning: 'The person is not a member of this organization.' },
  last_owner: { status: 409, meaning: 'The organization’s last owner cannot be removed or demoted.' },
  invitation_used: { status: 409, meaning: 'The invitation was already accepted or withdrawn.' },
  team_name_taken: { status: 409, meaning: 'Another team has this name.' },
  name_taken: { status: 409, meaning: 'Another resource of this kind has this name.' },

  // Governance: quotas and constraints of teams and the organization
  quota_exceeded: {
    status: 409,
    meaning:
      'Creating this would go over a quota (machines, vCPUs, monthly budget); the message says which, the use and what fits.',
  },
  constraint_violated: {
    status: 400,
    meaning:
      'A constraint refuses this cloud, location, size, image, tag or lifetime; the message says what is allowed.',
  },
  unknown_cloud: { status: 400, meaning: 'A limit names a cloud the organization does not have.' },
  governance_busy: {
    status: 503,
    meaning: 'Creations in the organization waited too long for their turn; retry.',
  },

  // Resources that do not exist (for the caller)
  api_token_not_found: { status: 404, meaning: 'No such API token of the caller.' },
  cloud_not_found: { status: 404, meaning: 'No such cloud, or the caller may not see it.' },
  dns_zone_not_found: { status: 404, meaning: 'The cloud has no DNS zone of that id.' },
  dns_record_not_found: { status: 404, meaning: 'The DNS zone has no record of that id.' },
  incident_not_found: { status: 404, meaning: 'No such incident.' },
  invitation_not_found: { status: 404, meaning: 'No such invitation, or its link expired.' },
  machine_not_found: { status: 404, meaning: 'No such machine, or the caller may not see it.' },
  network_not_found: { status: 404, meaning: 'No such network, or the caller may not see it.' },
  subnet_not_found: { status: 404, meaning: 'No such subnet in that network.' },
  firewall_not_found: { status: 404, meaning: 'No such firewall, or the caller may not see it.' },
  member_not_found: { status: 404, meaning: 'No such member.' },
  notification_channel_not_found: { status: 404, meaning: 'No such notification channel.' },
  organization_not_found: { status: 404, meaning: 'No such organization of the caller.' },
  recording_not_found: { status: 404, meaning: 'The terminal session has no recording.' },
  rule_not_found: { status: 404, meaning: 'No such rule, or the caller may not see it.' },
  schedule_not_found: { status: 404, meaning: 'No such schedule, or the caller may not see it.' },
  script_not_found: { status: 404, meaning: 'No such script, or the caller may not see it.' },
  script_run_not_found: { status: 404, meaning: 'No such script run.' },
  session_not_found: { status: 404, meaning: 'No such session of the caller.' },
  shell_session_not_found: { status: 404, meaning: 'No such terminal session.' },
  ssh_key_not_found: { status: 404, meaning: 'No such SSH key, or the caller may not see it.' },
  catalog_item_not_found: {
    status: 404,
    meaning: 'No such catalog item, or it is not published to any of your teams.',
  },
  deploy_request_not_found: { status: 404, meaning: 'No such deploy request, or it is not yours.' },
  deploy_request_decided: {
    status: 409,
    meaning: 'The deploy request was already approved or rejected; it can be decided once.',
  },
  stack_not_found: { status: 404, meaning: 'No such stack, or the caller may not see it.' },
  stack_step_not_found: { status: 404, meaning: 'The stack has no step of that name.' },
  template_not_found: { status: 404, meaning: 'No such template, or the caller may not see it.' },
  template_version_not_found: { status: 404, meaning: 'The template has no such version.' },
  tag_not_found: { status: 404, meaning: 'The machine has no such tag.' },
  team_not_found: { status: 404, meaning: 'No such team.' },
  user_not_found: { status: 404, meaning: 'No such user.' },
  volume_not_found: { status: 404, meaning: 'No such volume, or the caller may not see it.' },

  // Clouds, machines, volumes, keys
  unsupported_provider: { status: 400, meaning: 'The provider is not one Overcast drives.' },
  credentials_required: { status: 400, meaning: 'The cloud needs credentials to be added.' },
  cloud_title_taken: { status: 409, meaning: 'Another cloud has this title.' },
  cloud_disabled: { status: 409, meaning: 'The cloud is disabled; enable it first.' },
  confirmation_required: {
    status: 409,
    meaning: 'Deleting needs the confirmation asked for (the cloud’s title).',
  },
  unknown_location: { status: 400, meaning: 'The cloud has no such region or zone.' },
  image_not_in_location: { status: 400, meaning: 'The image is not offered in that location.' },
  different_cloud: { status: 400, meaning: 'The volume and machine are in different clouds.' },
  volume_attached: { status: 409, meaning: 'The volume is attached; detach it first.' },
  machine_gone: { status: 409, meaning: 'The machine was terminated or vanished from its cloud.' },
  invalid_cursor: { status: 400, meaning: 'The page cursor is not one this list gave.' },
  too_many_tags: { status: 400, meaning: 'More tags than limits.tagsPerMachine.' },
  tag_too_long: { status: 400, meaning: 'A tag key or value is over its length limit.' },
  invalid_private_key: { status: 400, meaning: 'The private key cannot be read.' },
  passphrase_required: { status: 400, meaning: 'The private key is encrypted; give its passphrase.' },
  wrong_passphrase: { status: 400, meaning: 'The passphrase does not unlock the private key.' },
  ssh_key_name_taken: { status: 409, meaning: 'Another SSH key has this name.' },
  ssh_key_in_use: { status: 409, meaning: 'Machines use the key; delete with force=true to detach it.' },
  not_a_docker_cloud: { status: 400, meaning: 'The cloud is not a Docker engine.' },
  dns_not_offered: { status: 400, meaning: "The cloud's provider offers no DNS through Overcast." },
  dns_record_invalid: {
    status: 400,
    meaning:
      'The record does not fit its type (an A needs an IPv4, an MX a priority...); field names which part.',
  },
  dns_zone_invalid: {
    status: 400,
    meaning: 'The zone name is not a domain (labels of 1 to 63 letters, digits or hyphens, 253 in all).',
  },
  dns_zone_exists: { status: 409, meaning: 'The cloud already has a DNS zone of that name.' },
  dns_zone_not_empty: {
    status: 409,
    meaning: 'The zone still has records besides its SOA and NS; delete them first, or with force=true.',
  },
  dns_record_read_only: {
    status: 409,
    meaning: 'The record is managed by the provider (SOA, apex NS) or of a type Overcast does not change.',
  },
  snapshots_unsupported: {
    status: 400,
    meaning: "The machine's provider has no snapshots, or cannot revert to one.",
  },
  resize_unsupported: { status: 400, meaning: "The machine's provider cannot resize machines." },
  clone_unsupported: { status: 400, meaning: "The machine's provider cannot clone machines." },
  size_not_offered: {
    status: 400,
    meaning: "The size is not one of the cloud's sizes in the machine's location.",
  },
  same_size: { status: 400, meaning: 'The machine already has that size.' },
  machine_must_be_stopped: {
    status: 409,
    meaning: 'The machine must be stopped first (resize, a Compute Engine snapshot revert).',
  },
  machine_must_be_running: {
    status: 409,
    meaning: 'The provider does this only to a running machine (an EC2 snapshot revert); start it first.',
  },
  snapshot_not_ready: {
    status: 409,
    meaning: 'The snapshot is still being taken (or failed); wait until it is available.',
  },
  snapshot_not_found: { status: 404, meaning: 'The machine has no snapshot with that id.' },
  subnets_unsupported: {
    status: 400,
    meaning: 'The cloud’s provider has networks without subnets to make or delete.',
  },
  networks_unsupported: {
    status: 400,
    meaning: 'The cloud’s provider has no networks in Overcast.',
  },
  firewalls_unsupported: {
    status: 400,
    meaning: 'The cloud’s provider has networks but no firewalls (security groups) to list or change.',
  },
  networks_read_only: {
    status: 400,
    meaning:
      'The cloud’s networks are listed only (vCenter portgroups); make or remove them in the provider’s console.',
  },
  firewall_create_unsupported: {
    status: 400,
    meaning: 'The cloud’s firewalls come with its networks or machines; add rules to a listed one instead.',
  },
  exposure_not_acknowledged: {
    status: 409,
    meaning: 'The rule opens SSH or RDP to the whole internet; send acknowledgeExposure to add it anyway.',
  },
  default_network: { status: 409, meaning: 'The cloud’s default network is not deleted by Overcast.' },
  console_unavailable: {
    status: 400,
    meaning: "The machine's provider offers no console (features.console is 'none'), or not of this kind.",
  },

  // Reaching machines (SSH, terminal, containers)
  no_address: { status: 409, meaning: 'The machine has no address to connect to.' },
  address_fixed: { status: 400, meaning: 'An SSH host is reached at its configured address only.' },
  no_login: { status: 409, meaning: 'No SSH key or user is known for the machine.' },
  no_ssh_login: { status: 400, meaning: 'No SSH login is set for the machine.' },
  not_over_ssh: { status: [400, 409], meaning: 'The machine is not reached over SSH.' },
  host_not_configured: { status: 409, meaning: 'The Docker engine’s host machine is not set up for SSH.' },
  invalid_fingerprint: { status: 400, meaning: 'The host-key fingerprint is not valid.' },
  host_key_changed: { status: 502, meaning: 'The machine’s SSH host key differs from the pinned one.' },
  ssh_failed: { status: 502, meaning: 'The SSH connection failed.' },
  exec_refused: { status: 409, meaning: 'The engine refused to open a shell in the container.' },
  exec_failed: { status: [422, 502], meaning: 'Opening a shell in the container failed.' },
  outbound_address_refused: {
    status: 400,
    meaning: 'The address is private or reserved and outbound.allowPrivateNetworks does not allow it.',
  },

  // Providers
  provider_auth_failed: { status: 422, meaning: 'The provider refused the credentials.' },
  provider_refused: { status: 422, meaning: 'The provider refused the request.' },
  provider_not_found: { status: 422, meaning: 'The provider does not know the resource.' },
  provider_conflict: { status: 409, meaning: 'The provider refused: the resource is in the wrong state.' },
  provider_throttled: { status: 502, meaning: 'The provider is rate-limiting Overcast.' },
  provider_failed: { status: 502, meaning: 'The provider failed.' },
  provider_unavailable: { status: 502, meaning: 'The provider is unreachable or failing.' },
  provider_timeout: { status: 504, meaning: 'The provider did not answer in time.' },
  engine_unreachable: { status: [502, 504], meaning: 'The Docker engine cannot be reached.' },
  engine_auth_failed: { status: 422, meaning: 'The Docker engine refused the client.' },
  socket_permission: { status: [502, 504], meaning: 'The Docker socket cannot be opened by Overcast.' },
  tls_client_refused: { status: 422, meaning: 'The Docker engine refused the client certificate.' },
  tls_server_untrusted: { status: 422, meaning: 'The Docker engine’s certificate is not trusted.' },
  tls_material_invalid: { status: 422, meaning: 'The TLS certificates or key given cannot be used.' },

  // Automation, rules, monitoring, notifications
  no_targets: { status: 400, meaning: 'The run or schedule names no machines.' },
  no_matching_machines: { status: 400, meaning: 'No machine the caller may act on matches the targets.' },
  missing_parameter: { status: 400, meaning: 'A required script parameter has no value.' },
  unknown_parameter: { status: 400, meaning: 'A value is given for a parameter the script does not have.' },
  reserved_parameter: { status: 400, meaning: 'A script parameter uses a reserved name.' },
  timeout_too_long: { status: 400, meaning: 'The timeout is over the allowed maximum.' },
  script_in_use: { status: 409, meaning: 'A schedule runs the script; change the schedule first.' },
  invalid_date: { status: 400, meaning: 'A date or time zone is not valid.' },
  invalid_cron: { status: 400, meaning: 'The cron expression is not valid.' },
  invalid_timezone: { status: 400, meaning: 'The time zone is not one the server knows.' },
  invalid_dates: { status: 400, meaning: 'The end comes before the start.' },
  rule_name_taken: { status: 409, meaning: 'Another rule has this name.' },
  channel_name_taken: { status: 409, meaning: 'Another notification channel has this name.' },
  no_exporter_url: { status: 409, meaning: 'Monitoring from node_exporter needs its URL.' },
  metrics_timeout: { status: 504, meaning: 'Reading the machine’s metrics took too long.' },
  metrics_unreadable: { status: 502, meaning: 'The machine’s metrics could not be read.' },
  invalid_template: { status: 400, meaning: 'The template source has problems; each names its line.' },
  invalid_template_input: {
    status: 400,
    meaning: 'A deploy input is unknown, missing or of the wrong type.',
  },
  template_reference: {
    status: 400,
    meaning:
      'A resource names a cloud or SSH key the organization does not have, or a cloud whose provider cannot make it.',
  },
  resource_change_unsupported: {
    status: 409,
    meaning:
      'The update changes a volume or container in place; remove it in one version and add it in the next.',
  },
  template_from_git: {
    status: 409,
    meaning: 'The template is imported from Git: change it there, then update it from Git.',
  },
  template_not_from_git: { status: 409, meaning: 'The template was not imported from Git.' },
  template_changed_meanwhile: { status: 409, meaning: 'The template got a new version meanwhile; retry.' },
  git_path_invalid: { status: 400, meaning: 'The file path leaves the repository or is not a plain path.' },
  git_ref_not_found: { status: 400, meaning: 'The repository has no such branch, tag or commit.' },
  git_file_not_found: { status: 400, meaning: 'The repository has no such file at that commit.' },
  git_file_unreadable: { status: 400, meaning: 'The file is too large, binary or not UTF-8 text.' },
  git_auth_failed: { status: 422, meaning: 'The repository asks for credentials, or refused the token.' },
  git_repository_too_large: {
    status: 422,
    meaning: 'The fetch is larger than Overcast reads from a repository.',
  },
  git_unreachable: { status: 502, meaning: 'The Git repository could not be reached or read.' },
  git_timeout: { status: 504, meaning: 'The Git repository did not answer in time.' },
  stack_busy: { status: 409, meaning: 'The stack is deploying, updating or destroying; wait for it.' },
  step_not_failed: { status: 409, meaning: 'Only a failed step can be retried.' },
  nothing_to_update: { status: 409, meaning: 'The update asks for what the stack already runs.' },
  update_unfinished: {
    status: 409,
    meaning: 'The last update did not finish; roll it back or retry its failed steps first.',
  },
  nothing_to_roll_back: { status: 409, meaning: 'The stack has not been updated.' },
  template_gone: { status: 409, meaning: "The stack's template was deleted; only its inputs can change." },
  scrape_failed: { status: 502, meaning: 'node_exporter could not be scraped.' },
} as const satisfies Record<string, { status: number | readonly number[]; meaning: string }>;

/** A /metrics request without the right bearer token (the api's and the worker's). */
export const METRICS_TOKEN_REFUSED = 'metrics_token_refused';

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CATALOGUE, code);

/** The statuses a code is answered with. */
export const statusesOf = (code: ErrorCode): readonly number[] => [ERROR_CATALOGUE[code].status].flat();
