import type {ExitFacts, OutcomeClass} from '@dx-runner/provider'

/**
 * rc + what opencode reported → outcome. opencode exits 1 on any error and reports it as an `error`
 * event (APIError with statusCode, ContentFilterError, UnknownError…). Pure.
 */
export function classifyExit(facts: ExitFacts): OutcomeClass {
  if (facts.timed_out) return {state: 'failed', reason_code: 'timeout'}
  const t = facts.telemetry
  const statuses = [t.error_status, t.last_retry?.status].filter((s): s is number => typeof s === 'number')
  if (statuses.some((s) => s === 401 || s === 403)) return {state: 'failed', reason_code: 'provider_auth_failed'}
  if (statuses.includes(429)) return {state: 'failed', reason_code: 'provider_rate_limited'}
  if (statuses.includes(404) || /ModelNotFound/.test(t.error_message ?? '')) return {state: 'failed', reason_code: 'provider_model_unavailable'}
  // an APIError with no status code: nothing answered ("Cannot connect to API: …" after ~1 min of silent retries)
  if (t.error_status === undefined && /^APIError: Cannot connect to API\b/.test(t.error_message ?? '')) return {state: 'failed', reason_code: 'provider_unreachable'}
  // an error event is a failure even when the process exits 0
  if (t.error_message !== undefined) return {state: 'failed', reason_code: 'provider_error_result'}
  if (facts.exit_code === 0) return {state: 'success', reason_code: 'outcome_exit_0'}
  return {state: 'failed', reason_code: 'process_exit_with_rc'}
}
