import {DxError, featureKeyGate, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {jobStartCommit, gateResult} from '../lib/gates.js'

export default class FeatureKeyGate extends DxCommand {
  static summary = 'Pass when every commit in base..HEAD carries the trailer Feature-Key: <id>.'
  static description = 'Lists the commits that lack the trailer. Exit 0 pass, 24 fail (feature_key_missing), 1 when the worktree is not a git repository or --base is unknown.'
  static examples = ['<%= config.bin %> feature-key-gate --worktree /tmp/agents/bd-1/repo --feature-key bd-1 --base origin/main',
    '<%= config.bin %> feature-key-gate --worktree /tmp/agents/bd-1/repo --feature-key bd-1 --beads bd-1 --json']
  static flags = commandFlags('feature-key-gate')

  async run(): Promise<void> {
    const {flags} = await this.parse(FeatureKeyGate)
    let base = flags.base
    if (base === undefined && flags.beads !== undefined) base = jobStartCommit(validateBeadsId(flags.beads))
    if (base === undefined) throw new DxError('give --base <ref>, or --beads <id> to check the commits made since that job started')
    emit(gateResult(await featureKeyGate(flags.worktree, flags['feature-key'], base)), flags.json)
  }
}
