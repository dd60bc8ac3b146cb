/** Accumulated telemetry of one run, built by folding parseEvent over the log. */
export interface Telemetry {
  input_tokens?: number
  output_tokens?: number
  cost_usd?: number
  tool_calls?: number
  session_id?: string
  model?: string
  /** The agent's own final result, when it reported one. */
  result?: {is_error: boolean; subtype?: string; api_error_status?: number; text?: string}
  /** The most recent retry the CLI announced (HTTP status it is backing off from; none = nothing answered). */
  last_retry?: {status?: number; error?: string; attempt?: number}
  /** An error status the CLI reported outside a result (an error event). */
  error_status?: number
  error_message?: string
  /** How many non-fatal warnings the CLI reported, and the last one. */
  warnings?: number
  last_warning?: string
  /** The message whose usage was counted last (its lines repeat it: counted once). */
  last_message_usage?: {message_id: string; input_tokens: number; output_tokens: number}
}
