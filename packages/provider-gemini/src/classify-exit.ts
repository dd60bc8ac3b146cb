import type {ExitFacts, OutcomeClass} from '@dx-runner/provider'

/**
 * gemini gave up without any HTTP answer: "[API Error: exception TypeError: fetch failed sending request]"
 * (connection refused, DNS, TLS), or an API error after retries that carried no status.
 */
function unreachable(t: ExitFacts['telemetry']): boolean {
  if (!t.result?.is_error || t.result.api_error_status !== undefined) return false
  const text = t.result.text ?? ''
  return /\bfetch failed\b/.test(text) || (t.last_retry !== undefined && t.last_retry.status === undefined && text.startsWith('[API Error'))
}

/** rc + what gemini reported → outcome. Gemini's headless codes: 0 ok, 1 general/API error, 41 auth setup, 42 input, 53 turn limit, 145 API error at start. Pure. */
export function classifyExit(facts: ExitFacts): OutcomeClass {
  if (facts.timed_out) return {state: 'failed', reason_code: 'timeout'}
  const t = facts.telemetry
  const statuses = [t.result?.api_error_status, t.last_retry?.status, t.error_status].filter((s): s is number => typeof s === 'number')
  if (statuses.some((s) => s === 401 || s === 403) || facts.exit_code === 41) return {state: 'failed', reason_code: 'provider_auth_failed'}
  if (statuses.includes(429) && (facts.exit_code !== 0 || t.result?.is_error)) return {state: 'failed', reason_code: 'provider_rate_limited'}
  if (statuses.includes(404)) return {state: 'failed', reason_code: 'provider_model_unavailable'}
  if (unreachable(t)) return {state: 'failed', reason_code: 'provider_unreachable'}
  if (facts.exit_code === 0) {
    // exit 0 is only a success when gemini's own result says so (a safety block also exits 0)
    return t.result && !t.result.is_error ? {state: 'success', reason_code: 'outcome_exit_0'} : {state: 'failed', reason_code: 'provider_error_result'}
  }
  if (t.result?.is_error || facts.exit_code === 53) return {state: 'failed', reason_code: 'provider_error_result'}
  return {state: 'failed', reason_code: 'process_exit_with_rc'}
}
