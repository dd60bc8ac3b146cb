import {integrityGate} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {gateResult} from '../lib/gates.js'

export default class IntegrityGate extends DxCommand {
  static summary = 'Pass when the reported commit exists and is reachable from HEAD.'
  static description = 'Proves an agent\'s claim about the commit it made. Exit 0 pass, 24 fail (commit_not_found, commit_not_reachable), 1 when the worktree is not a git repository.'
  static examples = ['<%= config.bin %> integrity-gate --worktree /tmp/agents/bd-1/repo --reported-commit 1a2b3c4 --json']
  static flags = commandFlags('integrity-gate')

  async run(): Promise<void> {
    const {flags} = await this.parse(IntegrityGate)
    emit(gateResult(await integrityGate(flags.worktree, flags['reported-commit'])), flags.json)
  }
}
