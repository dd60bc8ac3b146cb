import {type MessageUsage, type TelemetryEvent} from '@dx-runner/provider'
import {jsonObjectLine} from '../json-object-line.js'

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** An assistant message's usage so far (input counted as the result counts it: cache reads and writes included). */
function messageUsage(m: {id?: unknown; usage?: unknown}): MessageUsage | undefined {
  const id = str(m.id)
  const u = m.usage as Record<string, unknown> | undefined
  if (!id || !u || typeof u !== 'object') return undefined
  const input = num(u.input_tokens)
  const output = num(u.output_tokens)
  if (input === undefined && output === undefined) return undefined
  const total = input === undefined ? undefined : input + (num(u.cache_creation_input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0)
  return {message_id: id, ...(total !== undefined ? {input_tokens: total} : {}), ...(output !== undefined ? {output_tokens: output} : {})}
}

/**
 * One line of `claude -p --output-format stream-json --verbose` output → a telemetry event. Pure; never
 * throws. Only claude's own JSON events count: claude 2.1.197 reports every service error as an event
 * (api_retry, result), so a plain line (stderr, or a tool's helper printing "HTTP 403") says nothing.
 */
export function parseClaudeEvent(line: string): TelemetryEvent | undefined {
  const text = line.trim()
  const e = jsonObjectLine(text)
  if (!e) return undefined
  if (e.type === 'system' && e.subtype === 'init' && typeof e.session_id === 'string') {
    return {kind: 'session', session_id: e.session_id, model: str(e.model)}
  }
  if (e.type === 'system' && e.subtype === 'api_retry') {
    // error_status null: no HTTP answer at all (connection refused, DNS, TLS, timeout)
    return {kind: 'retry', status: num(e.error_status), error: str(e.error), attempt: num(e.attempt)}
  }
  if (e.type === 'assistant') {
    const message = (e.message ?? {}) as {content?: unknown; id?: unknown; usage?: unknown}
    const content = message.content
    const usage = messageUsage(message)
    // The CLI prints one assistant line per content block, each repeating its message's usage.
    if (Array.isArray(content) && content.some((c) => (c as {type?: unknown})?.type === 'tool_use')) {
      const tool = content.find((c) => (c as {type?: unknown})?.type === 'tool_use') as {name?: unknown}
      return {kind: 'tool_call', name: str(tool.name), ...(usage ? {message_usage: usage} : {})}
    }
    return usage ? {kind: 'text', message_usage: usage} : {kind: 'text'}
  }
  if (e.type === 'result') {
    const u = (e.usage ?? {}) as Record<string, unknown>
    const input = num(u.input_tokens)
    const totalInput = input === undefined ? undefined : input + (num(u.cache_creation_input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0)
    return {
      kind: 'result',
      is_error: e.is_error === true,
      subtype: str(e.subtype),
      api_error_status: num(e.api_error_status),
      text: str(e.result)?.slice(0, 500),
      input_tokens: totalInput,
      output_tokens: num(u.output_tokens),
      cost_usd: num(e.total_cost_usd),
      session_id: str(e.session_id),
    }
  }
  return undefined
}
