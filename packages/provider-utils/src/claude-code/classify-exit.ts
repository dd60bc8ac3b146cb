import type {ExitFacts, OutcomeClass} from '@dx-runner/provider'

const AUTH = new Set([401, 403])

/** claude 2.1.197's result text when no HTTP answer came: "API Error: Unable to connect to API (ConnectionRefused)", "Request timed out". */
const UNREACHABLE_RESULT = /^(?:API Error: Unable to connect to API\b|Request timed out\b)/

/**
 * claude gave up without any HTTP answer: its error result has no status and says it could not connect,
 * or says "API Error" after retries that carried no status (a refusal or a turn limit says neither).
 */
function unreachable(t: ExitFacts['telemetry']): boolean {
  if (!t.result?.is_error || t.result.api_error_status !== undefined) return false
  const text = t.result.text ?? ''
  return UNREACHABLE_RESULT.test(text) || (t.last_retry !== undefined && t.last_retry.status === undefined && text.startsWith('API Error'))
}

/** rc + what claude reported → outcome and reason. Pure. */
export function classifyClaudeExit(facts: ExitFacts): OutcomeClass {
  if (facts.timed_out) return {state: 'failed', reason_code: 'timeout'}
  const t = facts.telemetry
  const statuses = [t.result?.api_error_status, t.last_retry?.status, t.error_status].filter((s): s is number => typeof s === 'number')
  // A refused key or a rate limit is what the user must hear about, whatever the exit code.
  if (statuses.some((s) => AUTH.has(s))) return {state: 'failed', reason_code: 'provider_auth_failed'}
  if (t.result?.is_error && t.result.api_error_status === 429) return {state: 'failed', reason_code: 'provider_rate_limited'}
  if (facts.exit_code !== 0 && statuses.includes(429)) return {state: 'failed', reason_code: 'provider_rate_limited'}
  if (t.result?.api_error_status === 404) return {state: 'failed', reason_code: 'provider_model_unavailable'}
  if (unreachable(t)) return {state: 'failed', reason_code: 'provider_unreachable'}
  if (t.result?.is_error) return {state: 'failed', reason_code: 'provider_error_result'}
  if (facts.exit_code === 0) {
    // exit 0 without the agent's own success result is not a success we can vouch for
    return t.result ? {state: 'success', reason_code: 'outcome_exit_0'} : {state: 'failed', reason_code: 'provider_error_result'}
  }
  return {state: 'failed', reason_code: 'process_exit_with_rc'}
}
