import {DxCommand, thresholdsFrom} from '../lib/base-command.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {emit} from '../lib/output.js'
import {runWait, timedOutLine, waitLine} from '../lib/run-wait.js'

export default class Wait extends DxCommand {
  static summary = 'Block until jobs end; exit with the worst `check` code.'
  static description =
    'Waits until every job named by --beads (or every job in the root when it starts, with --all) is terminal: exited_ok, exited_err, no_op, blocked or missing; with --for healthy / --for stalled, also done in that state. Prints one line per job as it is done (--json: one document at the end).\n' +
    'Exit: the most serious `check` code over the jobs: 3 (exited_err, blocked, missing; an id with no job is missing at once) > 23 (no_op) > 2 (stalled) > 0. 124 when --timeout runs out first; stderr names the jobs not done.\n' +
    'Sleeps on file events (inotify) with a poll as backstop (every 5 s, less often when a round costs more than 0.5 % of a core, at most 60 s apart); it looks at jobs exactly as `status` does, and records what it learns like status.'
  static examples = ['<%= config.bin %> wait --beads bd-1,bd-2', '<%= config.bin %> wait bd-1 bd-2 --timeout 30m', '<%= config.bin %> wait --all --timeout 30m --json', '<%= config.bin %> wait --beads bd-1 --for healthy --timeout 2m']
  static flags = commandFlags('wait')
  static args = commandArgs('wait')

  async run(): Promise<void> {
    const {flags} = await this.parse(Wait)
    const print = flags.json ? () => {} : (j: Parameters<typeof waitLine>[0]) => process.stdout.write(waitLine(j))
    const result = await runWait(flags, () => this.providers(), thresholdsFrom(flags, process.env), print)
    if (result.doc.timed_out) process.stderr.write(`dx-runner: ${timedOutLine(result.doc, flags.timeout ?? '')}\n`)
    emit(result, flags.json)
  }
}
