import {acquireJobLock, artifactRoot, watchdogLockPath, DxError, watchdogRound, type WatchdogPolicy} from '@dx-runner/core'
import {DxCommand, thresholdsFrom} from '../lib/base-command.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {forwardedFlags} from '../lib/flag-spec.js'
import {interruptibleSleep} from '../lib/views.js'
import {printable} from '../lib/printable.js'

export default class Watchdog extends DxCommand {
  static summary = 'Check every job each round; restart stalled and no-op ones with backoff; block what needs a person.'
  static description = [
    'Restarts stalled and no_op jobs with a growing, capped backoff until --max-retries is spent, then marks them blocked / retries_exhausted.',
    'A refused key (provider_auth_failed) is never retried: the job is blocked at once. A rate-limited job is restarted after the limit resets, without spending a retry.',
    "Before it restarts or blocks a job it takes the job's lock and looks again: a stop (or anything else) since the round's look wins, and the action is 'skipped'. Restarts use the job's recorded launch settings (see restart).",
    'One watchdog per artifact root. SIGINT/SIGTERM end it after the current round. One line per action (JSON lines with --json).',
  ].join('\n')
  static examples = ['<%= config.bin %> watchdog', '<%= config.bin %> watchdog --once --json', '<%= config.bin %> watchdog --interval 60 --max-retries 5']
  static flags = commandFlags('watchdog')

  private emit(json: boolean, entry: Record<string, unknown>): void {
    if (json) process.stdout.write(`${JSON.stringify({at: new Date().toISOString(), ...entry})}\n`)
    else {
      const {action, beads, ...rest} = entry
      const detail = Object.entries(rest)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ')
      this.log(printable(`watchdog: ${String(action)}${beads ? ` ${String(beads)}` : ''}${detail ? ` ${detail}` : ''}`))
    }
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watchdog)
    const num = (name: string, raw: string) => {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new DxError(`invalid --${name} ${JSON.stringify(raw)}: expected a non-negative number of seconds`)
      return n
    }
    const interval = num('interval', flags.interval)
    const policy: WatchdogPolicy = {
      maxRetries: flags['max-retries'],
      backoffBaseSec: num('backoff-seconds', flags['backoff-seconds']),
      backoffCapSec: num('backoff-cap-seconds', flags['backoff-cap-seconds']),
    }
    const thresholds = thresholdsFrom(flags, process.env)
    const root = artifactRoot()
    let lock
    try {
      lock = acquireJobLock(watchdogLockPath(root), 0)
    } catch {
      throw new DxError(`a watchdog is already running for ${root}; stop it first (see ${watchdogLockPath(root)})`)
    }
    let stopping = false
    const sleeper: {wake?: () => void} = {}
    const onSignal = () => {
      stopping = true
      sleeper.wake?.()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    try {
      this.emit(flags.json, {action: 'started', root, interval_sec: interval, max_retries: policy.maxRetries})
      for (let round = 1; !stopping; round++) {
        const local = watchdogRound(round, {root, policy, thresholds, providers: () => this.providers(), env: process.env, emit: (entry) => this.emit(flags.json, entry)})
        await Promise.all([local, flags['all-hosts'] ? this.remoteRounds(round, flags.json) : undefined])
        if (flags.once || stopping) break
        await interruptibleSleep(interval * 1000, sleeper)
      }
      this.emit(flags.json, {action: 'stopped', root})
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      lock.release()
    }
  }

  /** One `watchdog --once --json` per configured host, in parallel: remote jobs are governed where they run, with their own memory and lock. */
  private async remoteRounds(round: number, json: boolean): Promise<void> {
    const {configuredHosts, forwardFlags, hostBudgetMs, runRemoteCaptured} = await import('../lib/remote.js')
    const forward = forwardFlags(this.argv, forwardedFlags('watchdog'))
    await Promise.all(
      configuredHosts().map(async (host) => {
        const r = await runRemoteCaptured(host, ['watchdog', '--once', '--json', ...forward], hostBudgetMs(host))
        if (r.unreachable) {
          this.emit(json, {action: 'host_unreachable', host: host.name, round, reason_code: 'host_unreachable', error: r.unreachable.split('\n')[0]})
          return
        }
        for (const line of r.stdout.split('\n')) {
          if (!line.trim()) continue
          let entry: Record<string, unknown>
          try {
            entry = JSON.parse(line) as Record<string, unknown>
          } catch {
            continue
          }
          if (entry.action === 'started' || entry.action === 'stopped') continue
          const {at: _at, ...rest} = entry
          this.emit(json, {...rest, host: host.name})
        }
        if (r.code !== 0) this.emit(json, {action: 'host_failed', host: host.name, round, exit_code: r.code, error: r.stderr.trim().split('\n').at(-1) ?? ''})
      }),
    )
  }
}
