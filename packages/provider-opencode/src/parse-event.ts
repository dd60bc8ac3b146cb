import {type TelemetryEvent} from '@dx-runner/provider'
import {jsonObjectLine} from '@dx-runner/provider-utils'

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {})

/**
 * One line of `opencode run --format json`. Pure; never throws. An error event carries the service's
 * response headers and body: only the status, the error's name and its message are kept.
 */
export function parseEvent(line: string): TelemetryEvent | undefined {
  const text = line.trim()
  const e = jsonObjectLine(text)
  if (!e) return undefined
  const part = obj(e.part)
  switch (e.type) {
    case 'step_start':
      return typeof e.sessionID === 'string' ? {kind: 'session', session_id: e.sessionID} : undefined
    case 'tool_use':
      return {kind: 'tool_call', name: typeof part.tool === 'string' ? part.tool : undefined}
    case 'text':
      return {kind: 'text'}
    case 'step_finish': {
      const tokens = obj(part.tokens)
      return {kind: 'usage', input_tokens: num(tokens.input), output_tokens: num(tokens.output), cost_usd: num(part.cost)}
    }
    case 'error': {
      const err = obj(e.error)
      const data = obj(err.data)
      const name = typeof err.name === 'string' ? err.name : 'Error'
      const message = typeof data.message === 'string' ? data.message : undefined
      return {kind: 'error', status: num(data.statusCode), message: `${name}${message ? `: ${message}` : ''}`.slice(0, 200)}
    }
    default:
      return undefined
  }
}
