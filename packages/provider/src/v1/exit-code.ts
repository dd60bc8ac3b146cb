/** dx-runner's exit codes (README "Exit codes"), in one place. A provider throws DxError with one of these. */
export const ExitCode = {
  ok: 0,
  general: 1,
  stalled: 2,
  jobError: 3,
  /** No credential could be resolved, or the provider refused it. */
  authFailed: 10,
  /** The token file is missing, unreadable, empty or not a regular file. */
  tokenFile: 11,
  providerNotFound: 20,
  /** Preflight failed (the agent CLI is missing, a model is unavailable, …). */
  preflightFailed: 21,
  permissionDenied: 22,
  noOp: 23,
  gateFailed: 24,
  alreadyActive: 25,
  /** --host: ssh could not reach the host, or dx-runner is not installed there. */
  hostUnreachable: 26,
  /** The provider is at its max_parallel and no slot freed within queue_timeout_sec (reason concurrency_limit); nothing was written. */
  concurrencyLimit: 27,
  /** `wait --timeout` ran out before every job was done (the code timeout(1) uses). */
  waitTimedOut: 124,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
