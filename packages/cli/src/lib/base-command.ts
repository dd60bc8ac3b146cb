import {existsSync} from 'node:fs'
import {Command, type Interfaces} from '@oclif/core'
import {describeIoError, DxError, ExitCode} from '@dx-runner/core'
import {COMMANDS, type CommandId, type CommandSpec} from './flag-spec.js'
import {globalFlags} from './oclif-flags.js'
import {foldPositionals} from './positional.js'
import {printFailure} from './failure.js'
import {loadProviders, type LoadedProviders} from './providers.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = {[name: string]: any}

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

  private startedAt = 0

  /** --verbose on every command: what it reads (artifact root, config file) before it runs, its time and exit code after. */
  async init(): Promise<void> {
    await super.init()
    this.startedAt = Date.now()
    if (!this.verbose()) return
    const {artifactRoot} = await import('@dx-runner/core')
    const {configPath} = await import('./config.js')
    const config = configPath(process.env)
    await this.diag(`${this.id ?? 'dx-runner'}: artifact root ${artifactRoot()}; config ${config.path}${existsSync(config.path) ? '' : ' (none)'}`)
  }

  async finally(error: Error | undefined): Promise<void> {
    if (this.verbose()) await this.diag(`${this.id ?? 'dx-runner'}: done in ${Date.now() - this.startedAt} ms, exit ${process.exitCode ?? 0}${this.providersPromise ? `; providers loaded: ${[...(await this.providersPromise.catch(() => undefined))?.registry.providers.keys() ?? []].sort().join(', ') || 'none'}` : ''}`)
    await super.finally(error)
  }

  private verbose(): boolean {
    return this.argv.includes('--verbose') || ['debug', 'info', 'verbose', 'silly'].includes(process.env.DX_RUNNER_LOG_LEVEL ?? '')
  }

  /** oclif's parse, then the positional id folded into its flag (`check bd-1` = `check --beads bd-1`), as the fast path does. */
  protected async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const out = await super.parse(options, argv)
    // only the arguments the spec declares stand for flags (profiles show <name> keeps its own)
    const spec = this.id && Object.hasOwn(COMMANDS, this.id) ? (COMMANDS[this.id as CommandId] as CommandSpec) : undefined
    if (!spec?.args) return out
    const id = this.id as CommandId
    const folded = foldPositionals(id, Object.keys(spec.args).map((name) => out.args[name] as string | string[] | undefined), out.flags)
    if ('error' in folded) throw new DxError(folded.error)
    return {...out, flags: folded.flags as typeof out.flags}
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
    // oclif's own exits (this.exit) pass through untouched
    if (!DxError.isInstance(error) && error.oclif?.exit !== undefined && error.constructor?.name === 'ExitError') throw error
    const json = this.argv.includes('--json') && !this.argv.includes('--')
    if (DxError.isInstance(error)) printFailure({message: error.message, exitCode: error.exitCode, reasonCode: error.reasonCode}, json)
    else printFailure({message: error.message || String(error), exitCode: ExitCode.general}, json)
  }
}

export {oneLine} from './failure.js'
export {thresholdsFrom} from './thresholds.js'
