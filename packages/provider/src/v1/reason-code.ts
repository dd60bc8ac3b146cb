/** The closed set of reason codes (README "States" and its reason-code tables). Extend the README first. */
export const REASON_CODES = [
  // running
  'awaiting_first_output',
  'cpu_progress',
  'log_progress',
  'tool_progress',
  'mutation_progress',
  'no_progress',
  'no_heartbeat_no_mutation',
  'awaiting_finalize',
  'provider_retrying',
  /** waiting in its provider's queue for a slot (start --queue) */
  'queued',
  // finished
  'outcome_exit_0',
  'process_exit_with_rc',
  'provider_error_result',
  'provider_auth_failed',
  'provider_rate_limited',
  'provider_model_unavailable',
  'provider_unreachable',
  'timeout',
  /** changed nothing in its worktree within its no-mutation budget (start --no-mutation-timeout) */
  'no_mutation_timeout',
  /** changed a path outside its profile's scope or went over its scope budgets: ended at once (README "Scope") */
  'scope_violation',
  /** its usage as the agent reported it passed start --max-cost-usd or --max-tokens: ended at once, or judged so at its end (README "Run budgets") */
  'budget_exceeded',
  'stopped_by_user',
  'monitor_no_rc_file',
  'late_finalize_no_rc',
  'exit_0_no_mutation',
  'disk_full',
  /** ended, but the provider that could classify it is not installed: nothing is recorded until it is back */
  'provider_not_installed',
  /** a queued job's launch could not be made when its turn came (its worktree, prompt or credential is gone) */
  'queued_launch_failed',
  // other
  'retries_exhausted',
  'no_metadata',
  'metadata_corrupt',
  // gates
  'baseline_not_met',
  'baseline_unknown',
  'commit_not_found',
  'commit_not_reachable',
  'feature_key_missing',
  'outside_allowed_prefixes',
  'path_outside_allowlist',
  'mutation_budget_exceeded',
  'file_budget_exceeded',
  /** evidence-gate: a claimed check has no verification command (profile/config `evidence`) */
  'unverified_claims',
  /** evidence-gate: a claimed check's command failed or ran out of time when re-run */
  'claim_refuted',
  /** evidence-gate: the sign-off file is missing or empty, or claims nothing checkable */
  'signoff_missing',
  // concurrency (start into a provider at its max_parallel)
  'concurrency_limit',
  // money (start under a profile whose jobs of today already cost its daily_cost_usd)
  'budget_exhausted',
  // remote (status --all-hosts, hosts)
  'host_unreachable',
] as const

export type ReasonCode = (typeof REASON_CODES)[number]

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value)
}
