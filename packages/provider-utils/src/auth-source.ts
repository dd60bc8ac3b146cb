import {DxError, ExitCode, type ProviderContext} from '@dx-runner/provider'

/** May resolveAuth take the credential from `source`? Always, unless the context pins another one (restart). */
export function sourceAllowed(ctx: ProviderContext, source: string): boolean {
  return ctx.authSource === undefined || ctx.authSource === source
}

/** The source a job started with gives nothing now: say which, and that restart will not look elsewhere. */
export function pinnedSourceMissing(provider: string, source: string): DxError {
  return new DxError(`${provider}: the job's credential came from ${source}, which is not set now; set it again (a restart takes the key from the source the job started with)`, {
    exitCode: ExitCode.authFailed,
  })
}
