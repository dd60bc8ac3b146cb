import {Flags} from '@oclif/core'
import {artifactRoot, listJobs, validateBeadsId} from '@dx-runner/core'
import {DxCommand, thresholdFlags, thresholdsFrom} from '../lib/base-command.js'
import {observeAll} from '../lib/observe.js'
import {statusRow, statusTable} from '../lib/views.js'

export default class Status extends DxCommand {
  static summary = 'One row per job: state, reason, progress.'
  static description = 'Derives every job\'s health from its artifacts and /proc (one scan for all jobs). Always exits 0; use `check` for a per-job exit code.'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --provider cc-glm --json', '<%= config.bin %> status --beads bd-123']
  static flags = {
    beads: Flags.string({description: 'only this job'}),
    provider: Flags.string({description: 'only jobs of this provider'}),
    json: Flags.boolean({description: 'print JSON (schema: status)', default: false}),
    ...thresholdFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    if (flags.beads !== undefined) validateBeadsId(flags.beads)
    const thresholds = thresholdsFrom(flags, process.env)
    const jobs = listJobs(artifactRoot()).filter(
      (j) => (flags.beads === undefined || j.beads === flags.beads) && (flags.provider === undefined || j.provider === flags.provider),
    )
    const views = jobs.length > 0 ? await observeAll(jobs, await this.providers(), thresholds) : []
    const rows = views.map(statusRow)
    if (flags.json) this.printJson({generated_at: new Date().toISOString(), jobs: rows})
    else if (rows.length === 0) this.log('no jobs')
    else process.stdout.write(statusTable(rows))
  }
}
