import {artifactRoot, DxError, ExitCode, evidenceGate, findJob, isJobMeta, parseDuration, readJsonFile, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {getConfig} from '../lib/config.js'
import {evidenceText} from '../lib/evidence-view.js'
import {emit} from '../lib/output.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'

export default class EvidenceGate extends DxCommand {
  static summary = "Re-run what a job's sign-off claims (tests pass, lint clean, build ok, checked - [x] items) and pass only if each command exits 0."
  static description = [
    'Each claim is mapped to a kind (tests, lint, build, typecheck) and the kind to its command: the `evidence` section of the profile the job started with (recorded in its meta), else of the config file.',
    "Each command runs with sh -c in the job's worktree as it is now (its HEAD is recorded), in its own process group, with a clean environment (no credentials), for at most --timeout; then its whole group is ended.",
    'Exit 0 pass; 24 fail: claim_refuted (a command failed or ran out of time), unverified_claims (a claim no command checks), signoff_missing (the file is missing or empty, or claims nothing checkable); 1 bad flags or the job\'s worktree is gone; 3 no such job; 25 the job is still running.',
    'The result is recorded in the job directory (evidence-gate) and shown by `report`.',
  ].join(' ')
  static examples = ['<%= config.bin %> evidence-gate bd-1 --signoff-file SIGNOFF.md', '<%= config.bin %> evidence-gate --beads bd-1 --signoff-file /tmp/agents/bd-1/SIGNOFF.md', '<%= config.bin %> evidence-gate --beads bd-1 --signoff-file signoff.md --timeout 20m --json']
  static args = commandArgs('evidence-gate')
  static flags = commandFlags('evidence-gate')

  async run(): Promise<void> {
    const {flags} = await this.parse(EvidenceGate)
    const beads = validateBeadsId(flags.beads)
    const timeoutSec = parseDuration('--timeout', flags.timeout)
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    const meta = readJsonFile(paths.meta)
    if (meta.kind !== 'ok' || !isJobMeta(meta.value)) throw new DxError(`job ${beads} has no readable metadata (${paths.meta})`, {exitCode: ExitCode.jobError})
    const result = await evidenceGate({paths, meta: meta.value, signoffFile: flags['signoff-file'], configEvidence: getConfig().evidence, timeoutMs: timeoutSec * 1000, env: process.env})
    emit({doc: result, text: evidenceText(result), ...(result.passed ? {} : {exitCode: ExitCode.gateFailed})}, flags.json)
  }
}
