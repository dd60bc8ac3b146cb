import {Flags} from '@oclif/core'
import {artifactRoot, checkExitCode, findJob, validateBeadsId} from '@dx-runner/core'
import {DxCommand, thresholdFlags, thresholdsFrom} from '../lib/base-command.js'
import {observeAll} from '../lib/observe.js'
import {checkDoc} from '../lib/views.js'

export default class Check extends DxCommand {
  static summary = 'One job\'s health, as an exit code.'
  static description = 'Exit 0: launching, waiting_first_output, silent_mutation, healthy or exited_ok. 2: stalled. 3: exited_err, blocked or missing. 23: no_op.'
  static examples = ['<%= config.bin %> check --beads bd-123', '<%= config.bin %> check --beads bd-123 --stall-minutes 10 --json']
  static flags = {
    beads: Flags.string({description: 'job id', required: true}),
    json: Flags.boolean({description: 'print JSON (schema: check)', default: false}),
    ...thresholdFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Check)
    const beads = validateBeadsId(flags.beads)
    const thresholds = thresholdsFrom(flags, process.env)
    const paths = findJob(artifactRoot(), beads)
    const now = new Date()
    let doc
    if (!paths) {
      doc = {beads, provider: '-', pid: '-', state: 'missing', reason_code: 'no_metadata', elapsed: '0s', log_bytes: 0, mutation_count: 0, retry_count: 0, outcome: '-', exit_code: '-', checked_at: now.toISOString()}
    } else {
      const [view] = await observeAll([paths], await this.providers(), thresholds, {freshMutations: true})
      doc = checkDoc(view, now)
    }
    if (flags.json) this.printJson(doc)
    else this.log(`${doc.beads} ${doc.state} ${doc.reason_code}${doc.exit_code === '-' ? '' : ` rc=${doc.exit_code}`}`)
    process.exitCode = checkExitCode(doc.state as Parameters<typeof checkExitCode>[0])
  }
}
