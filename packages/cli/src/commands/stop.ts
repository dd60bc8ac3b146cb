import {artifactRoot, DxError, ExitCode, findJob, stopJob, validateBeadsId, resolveThresholds} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {observeAll} from '../lib/observe.js'
import {printable} from '../lib/printable.js'

export default class Stop extends DxCommand {
  static summary = 'Stop a job\'s whole process group.'
  static description = 'Sends TERM to the job\'s process group (found from monitor.pid or from the agent itself) and to every process carrying the job\'s DX_RUNNER_JOB marker (children that called setsid too), waits --grace seconds, then KILL. The outcome `killed` / `stopped_by_user` is written once nothing is left; an interrupted stop leaves the job running and reading as running. Works on a full artifact root.'
  static examples = ['<%= config.bin %> stop --beads bd-123']
  static flags = commandFlags('stop')
  static args = commandArgs('stop')

  async run(): Promise<void> {
    const {flags} = await this.parse(Stop)
    const beads = validateBeadsId(flags.beads)
    const grace = flags.grace === undefined ? 10 : Number(flags.grace)
    if (!Number.isFinite(grace) || grace < 0) throw new DxError(`invalid --grace ${JSON.stringify(flags.grace)}: expected seconds`)
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    await this.diag(`stopping ${paths.provider}/${beads}: TERM to the process group, KILL after ${grace}s`)
    const r = await stopJob(paths, grace * 1000)
    const [view] = await observeAll('stop', [paths], await this.providers(), resolveThresholds(process.env))
    const doc = {...r, state: view.state, reason_code: view.reason_code}
    const text = lines(printable(r.stopped ? `stopped ${beads}: ${view.state} ${view.reason_code}` : `${beads} was not running: ${view.state} ${view.reason_code}`))
    emit({doc, text}, flags.json)
  }
}
