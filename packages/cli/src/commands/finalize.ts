import {artifactRoot, DxError, ExitCode, finalizeJob, finalizeReason, findJob, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {printable} from '../lib/printable.js'

export default class Finalize extends DxCommand {
  static summary = 'End a job\'s record by hand (a lost host, a job nothing will finish): stop what is left, record the outcome you give.'
  static description =
    'Under the job\'s lock: TERM then KILL everything still alive of it, write its rc if none was written, and write its outcome with the reason code and exit code given, ' +
    '`finalized_by: "operator"` and `finalized_at`. outcome_exit_0 reads exited_ok; any other reason exited_err. ' +
    'Exit 0 done, 1 a reason code outside the closed set (nothing touched), 3 unknown job or processes that would not end.'
  static examples = ['<%= config.bin %> finalize --beads bd-123 --reason-code stopped_by_user', '<%= config.bin %> finalize --beads bd-123 --reason-code outcome_exit_0 --exit-code 0 --json']
  static flags = commandFlags('finalize')
  static args = commandArgs('finalize')

  async run(): Promise<void> {
    const {flags} = await this.parse(Finalize)
    const beads = validateBeadsId(flags.beads)
    const reason = finalizeReason(flags['reason-code'])
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    const r = await finalizeJob(paths, reason, {exitCode: flags['exit-code']})
    emit({doc: r, text: lines(printable(`finalized ${beads}: ${r.state} ${r.reason_code} (exit ${r.exit_code})${r.ended_pids.length > 0 ? `, ended ${r.ended_pids.length} process(es)` : ''}`))}, flags.json)
  }
}
