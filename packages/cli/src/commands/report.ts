import {artifactRoot, DxError, ExitCode, findJob, resolveThresholds, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit} from '../lib/output.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {observeAll} from '../lib/observe.js'
import {reportDoc, reportMarkdown} from '../lib/views.js'
import {contractGates} from '../lib/gates.js'

export default class Report extends DxCommand {
  static summary = 'Full report of one job.'
  static description = 'State, reason, timing, exit code, model, mutations, tokens and cost as the agent reported them; the run budgets (max_runtime_sec, no_mutation_timeout_sec, first_mutation_grace_sec, max_cost_usd, max_tokens), total_tokens and budget_ended_by; last_retry {attempt, status, error} when the agent CLI retried the model service (status null: nothing answered); evidence: the last evidence-gate result of this attempt (each claim, its command, exit code, duration and output tail).'
  static examples = ['<%= config.bin %> report bd-123', '<%= config.bin %> report --beads bd-123 --json', '<%= config.bin %> report --beads bd-123 --format markdown']
  static flags = commandFlags('report')
  static args = commandArgs('report')

  async run(): Promise<void> {
    const {flags} = await this.parse(Report)
    if (flags.json && flags.format === 'markdown') throw new DxError('--json and --format markdown do not go together')
    const beads = validateBeadsId(flags.beads)
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    const [view] = await observeAll('report', [paths], await this.providers(), resolveThresholds(process.env), {freshMutations: true, fullTelemetry: true})
    if (!view.meta) throw new DxError(`job ${beads} has corrupt metadata (${paths.meta})`, {exitCode: ExitCode.jobError})
    const gates = view.state.startsWith('exited') ? await contractGates(paths) : []
    const doc = reportDoc(view, gates.length > 0 ? gates : undefined)
    emit({doc, text: reportMarkdown(doc)}, flags.json || flags.format !== 'markdown')
  }
}
