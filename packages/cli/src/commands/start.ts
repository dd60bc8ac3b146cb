import {Flags} from '@oclif/core'
import {DxCommand} from '../lib/base-command.js'
import {hostFlag} from '../lib/shared-flags.js'
import {runStart} from '../lib/run-start.js'

export default class Start extends DxCommand {
  static summary = 'Run gates and preflight, then launch an agent detached.'
  static description = 'Validates the beads id, prompt file and worktree (permission gate), resolves the provider\'s credentials, runs preflight (cached for a few minutes), records the job and starts it under a detached supervisor. Exits 0 once the agent is running.'
  static examples = [
    '<%= config.bin %> start --beads bd-123 --provider cc-glm --prompt-file task.md --worktree /tmp/agents/bd-123/repo',
    '<%= config.bin %> start --beads bd-124 --provider cc-glm --prompt-file task.md --timeout 45m --json',
    '<%= config.bin %> start --beads bd-125 --provider gemini --fallback-provider cc-glm --prompt-file task.md',
  ]
  static flags = {
    ...hostFlag,
    beads: Flags.string({description: 'job id: 1-64 of [A-Za-z0-9._-], not starting with . or -', required: true}),
    provider: Flags.string({description: 'provider name (see `dx-runner providers`); default: default_provider from the config file'}),
    'prompt-file': Flags.string({description: 'readable, non-empty file with the task; - reads it from stdin (kept under <root>/.prompts for restart)', required: true}),
    worktree: Flags.string({description: 'directory the agent works in (default: current directory); must be under an allowed prefix'}),
    repo: Flags.string({description: 'repository name, for reports'}),
    model: Flags.string({description: 'model id (default: the provider\'s)'}),
    pty: Flags.boolean({description: 'run the agent under script(1) so it sees a terminal', default: false}),
    'required-baseline': Flags.string({description: 'commit that must be HEAD or an ancestor of HEAD'}),
    'feature-key': Flags.string({description: 'Feature-Key trailer every commit of the job must carry (recorded in .contract)'}),
    timeout: Flags.string({description: 'end the agent after this long (e.g. 90s, 30m, 2h)'}),
    'fallback-provider': Flags.string({description: 'comma-separated providers to try, in order, when --provider cannot serve (credentials or preflight)'}),
    'fallback-model': Flags.string({description: 'comma-separated models to try, in order, when --model (or the default) is unavailable (providers with a model policy: opencode)'}),
    json: Flags.boolean({description: 'print the job as JSON', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Start)
    const diag = await runStart(flags, () => this.providers())
    await this.diag(diag)
  }
}
