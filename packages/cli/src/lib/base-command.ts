import {Command} from '@oclif/core'
import {describeIoError, DxError, ExitCode} from '@dx-runner/core'
import {globalFlags} from './oclif-flags.js'
import {loadProviders, type LoadedProviders} from './providers.js'

/** Shared behaviour: one clear stderr line per error, exit codes from core's table (usage errors are 1). */
export abstract class DxCommand extends Command {
  // --config is read by bin/run.js before any command runs; declared so --help shows it
  static baseFlags = globalFlags()

  /** A diagnostic line on stderr through the one winston logger; winston loads only when diagnostics are on. */
  protected async diag(message: string): Promise<void> {
    const verbose = this.argv.includes('--verbose')
    const level = verbose ? 'debug' : process.env.DX_RUNNER_LOG_LEVEL
    if (!level || !['debug', 'info', 'verbose', 'silly'].includes(level)) return
    const {getLogger} = await import('@dx-runner/core')
    const log = await getLogger({level})
    log.debug(message)
  }

  private providersPromise?: Promise<LoadedProviders>

  protected providers(): Promise<LoadedProviders> {
    this.providersPromise ??= loadProviders(this.config)
    return this.providersPromise
  }

  protected fail(message: string, exitCode: number = ExitCode.general): never {
    throw new DxError(message, {exitCode})
  }

  async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    error = describeIoError(error) ?? error
    if (DxError.isInstance(error)) {
      process.stderr.write(`dx-runner: ${oneLine(error.message)}\n`)
      process.exitCode = error.exitCode
      return
    }
    // oclif's own exits (this.exit) pass through untouched
    if (error.oclif?.exit !== undefined && error.constructor?.name === 'ExitError') throw error
    const msg = oneLine(error.message || String(error))
    process.stderr.write(`dx-runner: ${msg}\n`)
    process.exitCode = ExitCode.general
  }
}

/** Fold a (possibly multi-line oclif) message into one line: the errors, without oclif's headers and hints. */
export function oneLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors occurred:?$/.test(l) && !/^See more help with/.test(l))
  return (lines.join('; ') || 'error').replace(/^Error:\s*/, '')
}

export {thresholdsFrom} from './thresholds.js'
