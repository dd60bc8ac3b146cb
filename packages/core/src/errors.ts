import {DxError, ExitCode} from '@dx-runner/provider'

// The error type and the exit codes belong to the provider contract; core adds what only the engine needs.
export {DxError, ExitCode, type ExitCodeValue} from '@dx-runner/provider'

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
