/**
 * One line of the agent's output, as `parseEvent` understood it. Only these structured events may
 * tell core that a key was refused or that the CLI is retrying (README "States").
 */
export type ProviderEvent =
  | {kind: 'usage'; input_tokens?: number; output_tokens?: number; cost_usd?: number}
  | {kind: 'tool_call'; name?: string; message_usage?: MessageUsage}
  | {kind: 'session'; session_id: string; model?: string}
  /** The CLI is backing off; `status` undefined means nothing answered (connection refused, DNS, TLS, timeout). */
  | {kind: 'retry'; status?: number; error?: string; attempt?: number}
  | {kind: 'error'; status?: number; message?: string}
  /** Something the CLI reports as an error item that does not stop it (Codex reports warnings that way). */
  | {kind: 'warning'; message?: string}
  | {
      kind: 'result'
      is_error: boolean
      subtype?: string
      api_error_status?: number
      text?: string
      input_tokens?: number
      output_tokens?: number
      cost_usd?: number
      session_id?: string
      num_tool_calls?: number
    }
  | {kind: 'text'; message_usage?: MessageUsage}

/**
 * The usage of one model message as the CLI reports it while it goes (claude prints it on each content
 * block's line): the lines of one message repeat it, so it is counted once per message id, the last
 * figures winning.
 */
export interface MessageUsage {
  message_id: string
  input_tokens?: number
  output_tokens?: number
}

/** The name this type had before @dx-runner/provider. */
export type TelemetryEvent = ProviderEvent
