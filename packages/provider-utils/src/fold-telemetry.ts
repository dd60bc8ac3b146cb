import type {MessageUsage, Telemetry, TelemetryEvent} from '@dx-runner/provider'

/** Count one message's usage once: a repeat of the last message replaces its figures instead of adding them. Pure. */
function foldMessageUsage(t: Telemetry, u: MessageUsage | undefined): Telemetry {
  if (!u) return t
  const prev = t.last_message_usage?.message_id === u.message_id ? t.last_message_usage : undefined
  const input = u.input_tokens ?? prev?.input_tokens ?? 0
  const output = u.output_tokens ?? prev?.output_tokens ?? 0
  return {
    ...t,
    input_tokens: (t.input_tokens ?? 0) - (prev?.input_tokens ?? 0) + input,
    output_tokens: (t.output_tokens ?? 0) - (prev?.output_tokens ?? 0) + output,
    last_message_usage: {message_id: u.message_id, input_tokens: input, output_tokens: output},
  }
}

/** Fold one parsed event into the running telemetry of a job. Pure. */
export function foldTelemetry(t: Telemetry, e: TelemetryEvent): Telemetry {
  switch (e.kind) {
    case 'text':
      return foldMessageUsage(t, e.message_usage)
    case 'usage':
      return {
        ...t,
        input_tokens: (t.input_tokens ?? 0) + (e.input_tokens ?? 0),
        output_tokens: (t.output_tokens ?? 0) + (e.output_tokens ?? 0),
        cost_usd: e.cost_usd === undefined ? t.cost_usd : (t.cost_usd ?? 0) + e.cost_usd,
      }
    case 'tool_call':
      return foldMessageUsage({...t, tool_calls: (t.tool_calls ?? 0) + 1}, e.message_usage)
    case 'session':
      return {...t, session_id: e.session_id, model: e.model ?? t.model}
    case 'retry':
      return {...t, last_retry: {status: e.status, error: e.error, attempt: e.attempt}}
    case 'warning':
      return {...t, warnings: (t.warnings ?? 0) + 1, last_warning: e.message ?? t.last_warning}
    case 'error':
      return {...t, error_status: e.status ?? t.error_status, error_message: e.message ?? t.error_message}
    case 'result':
      // A final result carries authoritative totals; prefer them over summed usage.
      return {
        ...t,
        input_tokens: e.input_tokens ?? t.input_tokens,
        output_tokens: e.output_tokens ?? t.output_tokens,
        cost_usd: e.cost_usd ?? t.cost_usd,
        session_id: e.session_id ?? t.session_id,
        tool_calls: e.num_tool_calls ?? t.tool_calls,
        result: {is_error: e.is_error, subtype: e.subtype, api_error_status: e.api_error_status, text: e.text},
      }
    default:
      return t
  }
}

/** Parse a whole log (or its tail) into telemetry with a provider's parseEvent. */
export function telemetryFromLines(
  lines: Iterable<string>,
  parseEvent: ((line: string) => TelemetryEvent | undefined) | undefined,
): Telemetry {
  let t: Telemetry = {}
  if (!parseEvent) return t
  for (const line of lines) {
    if (line.length === 0) continue
    let e: TelemetryEvent | undefined
    try {
      e = parseEvent(line)
    } catch {
      e = undefined
    }
    if (e) t = foldTelemetry(t, e)
  }
  return t
}
