import {DxCommand} from '../lib/base-command.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {runStart} from '../lib/run-start.js'

export default class Start extends DxCommand {
  static summary = 'Run gates and preflight, then launch an agent detached.'
  static description = 'Validates the beads id, prompt file and worktree (permission gate), resolves the provider\'s credentials, runs preflight (cached for a few minutes), records the job and starts it under a detached supervisor. Exits 0 once the agent is running.'
  static examples = [
    '<%= config.bin %> start --beads bd-123 --provider cc-glm --prompt-file task.md --worktree /tmp/agents/bd-123/repo',
    '<%= config.bin %> start --beads bd-124 --provider cc-glm --prompt-file task.md --timeout 45m --json',
    '<%= config.bin %> start --beads bd-125 --provider gemini --fallback-provider cc-glm --prompt-file task.md',
    '<%= config.bin %> start --beads bd-126 --provider cc-glm --prompt-file task.md --timeout 2h --no-mutation-timeout 15m --first-mutation-grace 5m',
  ]
  static flags = commandFlags('start')
  static args = commandArgs('start')

  async run(): Promise<void> {
    const {flags} = await this.parse(Start)
    const diag = await runStart(flags, () => this.providers())
    await this.diag(diag)
  }
}
