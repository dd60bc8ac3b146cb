import {baselineGate} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {gateResult} from '../lib/gates.js'

export default class BaselineGate extends DxCommand {
  static summary = 'Pass when the required commit is HEAD or an ancestor of HEAD.'
  static description = 'Exit 0 when it passes, 24 when it fails (baseline_not_met, or baseline_unknown for an unknown sha or a shallow clone that cannot tell), 1 when the worktree is not a git repository.'
  static examples = ['<%= config.bin %> baseline-gate --worktree /tmp/agents/bd-1/repo --required-baseline 1a2b3c4']
  static flags = commandFlags('baseline-gate')

  async run(): Promise<void> {
    const {flags} = await this.parse(BaselineGate)
    emit(gateResult(await baselineGate(flags.worktree, flags['required-baseline'])), flags.json)
  }
}
