export type CheckStatus = 'ok' | 'warn' | 'fail'

/** One line of `dx-runner preflight`: a `fail` stops `start` (exit 21, or 10 for a refused key). */
export interface PreflightCheck {
  name: string
  status: CheckStatus
  detail: string
}

export interface PreflightReport {
  provider: string
  /** False when any check failed. */
  passed: boolean
  checks: PreflightCheck[]
  /** Why it did not pass, as a reason code, e.g. provider_model_unavailable or provider_auth_failed. */
  reason_code?: string
}
