import {DxError} from '@dx-runner/core'
import {DxCommand, thresholdsFrom} from '../lib/base-command.js'
import {commandAliases, commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {forwardedFlags} from '../lib/flag-spec.js'
import {statusResult, statusRows} from '../lib/run-status.js'
import {emit} from '../lib/output.js'
import {interruptibleSleep, statusTable, type StatusRow} from '../lib/views.js'

export default class Status extends DxCommand {
  static summary = 'One row per job: state, reason, progress.'
  static description = 'Derives every job\'s health from its artifacts and /proc (one scan for all jobs). Always exits 0; use `check` for a per-job exit code.'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --provider cc-glm --json', '<%= config.bin %> status --beads bd-123']
  static flags = commandFlags('status')
  static args = commandArgs('status')
  static aliases = commandAliases('status')

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    const thresholds = thresholdsFrom(flags, process.env)
    const localRows = () => statusRows({beads: flags.beads, provider: flags.provider}, () => this.providers(), thresholds)
    const rowsNow = flags['all-hosts'] ? () => allHostRows(localRows, this.argv) : localRows
    if (flags.watch) {
      if (flags.json) throw new DxError('--watch and --json do not go together; poll `status --json` instead')
      const interval = Number(flags.interval)
      if (!(interval > 0)) throw new DxError(`invalid --interval ${JSON.stringify(flags.interval)}: expected seconds > 0`)
      await watchTable(rowsNow, interval)
      return
    }
    emit(statusResult(await rowsNow()), flags.json)
  }
}

/** Every configured host's rows after this machine's, each with its host; the hosts are asked in parallel with the local scan. */
async function allHostRows(localRows: () => Promise<StatusRow[]>, argv: string[]): Promise<StatusRow[]> {
  const {configuredHosts, forwardFlags, remoteStatus} = await import('../lib/remote.js')
  // the filters and thresholds travel to each host as given
  const forward = forwardFlags(argv, forwardedFlags('status'))
  const [local, remote] = await Promise.all([localRows(), remoteStatus<StatusRow>(configuredHosts(), forward)])
  const rows: StatusRow[] = local.map((r) => ({...r, host: 'local'}))
  for (const h of remote) {
    if (h.unreachable) {
      process.stderr.write(`dx-runner: host ${h.host.name} unreachable: ${h.unreachable.split('\n')[0]}\n`)
      rows.push({beads: '-', provider: '-', pid: '-', state: 'missing', reason_code: 'host_unreachable', elapsed: '-', log_bytes: 0, mutation_count: 0, retry_count: 0, outcome: '-', host: h.host.name})
    } else rows.push(...h.rows)
  }
  return rows
}

/** Redraw in place like watch(1): one write per frame, cursor home, each line cleared to its end, no full-screen clear. */
async function watchTable(rowsNow: () => Promise<StatusRow[]>, intervalSec: number): Promise<void> {
  const tty = process.stdout.isTTY === true
  let stopping = false
  const sleeper: {wake?: () => void} = {}
  const stop = () => {
    stopping = true
    sleeper.wake?.()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  if (tty) process.stdout.write('\u001b[?1049h\u001b[?25l')
  try {
    while (!stopping) {
      const rows = await rowsNow()
      const head = `dx-runner status  every ${intervalSec}s  ${new Date().toISOString()}\n\n`
      const body = rows.length === 0 ? 'no jobs\n' : statusTable(rows)
      const frame = head + body
      if (tty) process.stdout.write(`\u001b[H${frame.split('\n').join('\u001b[K\n')}\u001b[J`)
      else process.stdout.write(`${frame}\n`)
      await interruptibleSleep(intervalSec * 1000, sleeper)
    }
  } finally {
    if (tty) process.stdout.write('\u001b[?25h\u001b[?1049l')
  }
}
