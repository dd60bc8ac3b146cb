/** Is this model answering now? (`dx-runner probe`). */
export interface ProbeResult {
  provider: string
  model: string
  answered: boolean
  latency_ms: number
  /** outcome_exit_0 when it answered, else why not (provider_auth_failed, provider_unreachable, …). */
  reason_code: string
  detail: string
}
