import {type TelemetryEvent} from '@dx-runner/provider'
import {jsonObjectLine} from '@dx-runner/provider-utils'

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
/**
 * gemini 0.61.0 reports its retries only as this stderr line (logRetryAttempt), nothing on stdout:
 * "Attempt 2 failed with status 429. Retrying with backoff... _ApiError: {…}", or without a status when
 * nothing answered: "Attempt 1 failed. Retrying with backoff... Error: exception TypeError: fetch failed sending request".
 * Anchored to that whole shape, so a tool's output that merely mentions a status is not a retry.
 */
const RETRY_LINE = /^Attempt (\d+) failed(?: with status (\d{3})| with (429) error \(no Retry-After header\)| with 5xx error)?\. Retrying with backoff\.\.\.(?: (.*))?$/
const STATUS_IN_TEXT = /(?:"code\\?"\s*:\s*|status[:=\s]+)(\d{3})\b/

/**
 * One line of `gemini --output-format stream-json` (stdout and stderr share the log). Pure; never throws.
 * Service errors come from gemini's own JSON events (error, result); of its plain stderr only the retry
 * line counts. Its 401 is a `result` event with the API's error (and a stack trace on stderr that is ignored).
 */
export function parseEvent(line: string): TelemetryEvent | undefined {
  const text = line.trim()
  if (!text.startsWith('{')) {
    const retry = RETRY_LINE.exec(text)
    if (!retry) return undefined
    const status = retry[2] ?? retry[3]
    return {kind: 'retry', attempt: Number(retry[1]), status: status === undefined ? undefined : Number(status), error: retry[4]?.slice(0, 200)}
  }
  const e = jsonObjectLine(text)
  if (!e) return undefined
  switch (e.type) {
    case 'init':
      return typeof e.session_id === 'string' ? {kind: 'session', session_id: e.session_id, model: typeof e.model === 'string' ? e.model : undefined} : undefined
    case 'tool_use':
      return {kind: 'tool_call', name: typeof e.tool_name === 'string' ? e.tool_name : undefined}
    case 'message':
      return {kind: 'text'}
    case 'error': {
      const message = typeof e.message === 'string' ? e.message : undefined
      const m = message ? STATUS_IN_TEXT.exec(message) : null
      return {kind: 'error', status: m ? Number(m[1]) : undefined, message: message?.slice(0, 200)}
    }
    case 'result': {
      const stats = (e.stats ?? {}) as Record<string, unknown>
      const err = (e.error ?? {}) as Record<string, unknown>
      const message = typeof err.message === 'string' ? err.message : undefined
      const m = message ? STATUS_IN_TEXT.exec(message) : null
      return {
        kind: 'result',
        is_error: e.status !== 'success',
        subtype: typeof e.status === 'string' ? e.status : undefined,
        api_error_status: m ? Number(m[1]) : undefined,
        text: message?.slice(0, 500),
        input_tokens: num(stats.input_tokens),
        output_tokens: num(stats.output_tokens),
        num_tool_calls: num(stats.tool_calls),
      }
    }
    default:
      return undefined
  }
}
