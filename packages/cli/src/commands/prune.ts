import {artifactRoot, pruneJobs, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'

export default class Prune extends DxCommand {
  static summary = 'Remove the records of jobs that are not running.'
  static description = 'Finished, ghost (files without metadata), corrupt and dead-PID jobs lose every artifact (the job\'s directory). Processes still carrying a pruned job\'s DX_RUNNER_JOB marker are ended first. A live job is never touched.'
  static examples = ['<%= config.bin %> prune', '<%= config.bin %> prune --beads bd-123 --json']
  static flags = commandFlags('prune')

  async run(): Promise<void> {
    const {flags} = await this.parse(Prune)
    const beads = flags.beads === undefined ? undefined : validateBeadsId(flags.beads)
    const pruned = await pruneJobs(artifactRoot(), beads)
    const text = pruned.length === 0 ? lines('nothing to prune') : lines(...pruned.map((p) => `pruned ${p.provider}/${p.beads} (${p.reason}, ${p.removed.length} files)`))
    emit({doc: {pruned}, text}, flags.json)
  }
}
