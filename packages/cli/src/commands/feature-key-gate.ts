import {Flags} from '@oclif/core'
import {DxError, ExitCode, featureKeyGate, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {jobStartCommit, printGate, worktreeFlag} from '../lib/gates.js'

export default class FeatureKeyGate extends DxCommand {
  static summary = 'Pass when every commit in base..HEAD carries the trailer Feature-Key: <id>.'
  static description = 'Lists the commits that lack the trailer. Exit 0 pass, 24 fail (feature_key_missing), 1 when the worktree is not a git repository or --base is unknown.'
  static examples = ['<%= config.bin %> feature-key-gate --worktree /tmp/agents/bd-1/repo --feature-key bd-1 --base origin/main',
    '<%= config.bin %> feature-key-gate --worktree /tmp/agents/bd-1/repo --feature-key bd-1 --beads bd-1 --json']
  static flags = {
    worktree: worktreeFlag,
    'feature-key': Flags.string({description: 'the key every commit must carry', required: true}),
    base: Flags.string({description: 'commits after this ref are checked (default: the start commit of --beads)'}),
    beads: Flags.string({description: 'take --base from this job: the commit its worktree was at when it started'}),
    json: Flags.boolean({description: 'print JSON (schema: gate)', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(FeatureKeyGate)
    let base = flags.base
    if (base === undefined && flags.beads !== undefined) base = jobStartCommit(validateBeadsId(flags.beads))
    if (base === undefined) throw new DxError('give --base <ref>, or --beads <id> to check the commits made since that job started')
    const r = await featureKeyGate(flags.worktree, flags['feature-key'], base)
    printGate(this, r, flags.json)
    if (!r.passed) process.exitCode = ExitCode.gateFailed
  }
}
