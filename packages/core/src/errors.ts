/** Exit codes of SPEC.md, in one place. */
export const ExitCode = {
  ok: 0,
  general: 1,
  stalled: 2,
  jobError: 3,
  authFailed: 10,
  tokenFile: 11,
  providerNotFound: 20,
  preflightFailed: 21,
  permissionDenied: 22,
  noOp: 23,
  gateFailed: 24,
  alreadyActive: 25,
  /** --host: ssh could not reach the host, or dx-runner is not installed there. */
  hostUnreachable: 26,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

const marker = Symbol.for('dx-runner.error')

/**
 * The one error type users see: a one-line message saying what to do, and the exit code.
 * Plugins load their own copy of core, so recognise instances by a global symbol, not instanceof.
 */
export class DxError extends Error {
  readonly [marker] = true
  readonly exitCode: number
  readonly reasonCode?: string

  constructor(message: string, options: {exitCode?: number; reasonCode?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'DxError'
    this.exitCode = options.exitCode ?? ExitCode.general
    this.reasonCode = options.reasonCode
  }

  static isInstance(error: unknown): error is DxError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }
}

const IO_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
}

/** A file-system failure as one line that says where and what to do; other errors pass through. */
export function describeIoError(error: unknown): DxError | undefined {
  const e = error as NodeJS.ErrnoException
  if (!e || typeof e.code !== 'string' || !(e.code in IO_REASONS)) return undefined
  const where = e.path ? ` ${e.path}` : ''
  return new DxError(`cannot write${where}: ${IO_REASONS[e.code]} (${e.code}); free space or point DX_RUNNER_HOME at a writable directory`, {exitCode: ExitCode.general})
}
