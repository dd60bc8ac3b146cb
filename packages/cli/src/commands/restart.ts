import {artifactRoot, DxError, ExitCode, findJob, readMetaOrThrow, restartJob, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {launchDoc} from '../lib/views.js'

export default class Restart extends DxCommand {
  static summary = 'Start a job again with the same metadata.'
  static description = [
    'Stops it if it runs, rotates its log (.log → .log.1 …, five kept), and launches it again with the same provider, worktree, prompt and model; retry_count + 1.',
    "It runs with the launch settings the job started with (meta.launch: the provider's endpoint and other non-secret settings, and the key's source by name), not this shell's: the key is read again from that source only.",
    'Everything is checked before anything is touched; a refused restart exits 1 (prompt file or worktree gone), 10/11 (credential), 20 (provider not installed) or 21 (agent CLI not on PATH) and leaves the job exactly as it was.',
  ].join('\n')
  static examples = ['<%= config.bin %> restart --beads bd-123']
  static flags = commandFlags('restart')
  static args = commandArgs('restart')

  async run(): Promise<void> {
    const {flags} = await this.parse(Restart)
    const beads = validateBeadsId(flags.beads)
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    const meta = readMetaOrThrow(paths)
    const provider = (await this.providers()).get(meta.provider)
    const r = await restartJob(paths, provider, {env: process.env})
    const doc = {...launchDoc(r.meta, r.paths, r.launched, new Date().toISOString()), retry_count: r.meta.retries}
    emit({doc, text: lines(`restarted ${beads} pid=${doc.pid} retry_count=${r.meta.retries}`)}, flags.json)
  }
}
