// Every reason code each health state can be read with (README "States"). The tables of
// decide-observation and decide-action cover each pair; a reason code added to the contract without a
// row here fails the coverage checks.
export const STATE_REASONS = {
  queued: ['queued'],
  launching: ['awaiting_first_output'],
  waiting_first_output: ['awaiting_first_output', 'cpu_progress'],
  silent_mutation: ['mutation_progress'],
  healthy: ['log_progress', 'tool_progress', 'mutation_progress', 'cpu_progress', 'provider_retrying', 'awaiting_finalize'],
  stalled: ['no_progress'],
  no_op: ['no_heartbeat_no_mutation'],
  exited_ok: ['outcome_exit_0', 'exit_0_no_mutation'],
  exited_err: [
    'process_exit_with_rc', 'provider_error_result', 'provider_auth_failed', 'provider_rate_limited', 'provider_model_unavailable',
    'provider_unreachable', 'timeout', 'no_mutation_timeout', 'scope_violation', 'budget_exceeded', 'stopped_by_user', 'monitor_no_rc_file', 'late_finalize_no_rc', 'disk_full', 'provider_not_installed',
    'queued_launch_failed',
  ],
  blocked: ['retries_exhausted', 'provider_auth_failed'],
  missing: ['no_metadata', 'metadata_corrupt'],
}

/** Reason codes that are not a job's health: gate results and the row of an unreachable host. */
export const NOT_HEALTH = new Set([
  'baseline_not_met', 'baseline_unknown', 'commit_not_found', 'commit_not_reachable', 'feature_key_missing', 'outside_allowed_prefixes', 'path_outside_allowlist', 'mutation_budget_exceeded', 'file_budget_exceeded', 'host_unreachable', 'concurrency_limit', 'budget_exhausted',
  'unverified_claims', 'claim_refuted', 'signoff_missing',
])

export const statePairs = () => Object.entries(STATE_REASONS).flatMap(([state, reasons]) => reasons.map((reason) => `${state}/${reason}`))
