import {readFileSync} from 'node:fs'
import {DxError, jobScope, parseAllowedPaths, scopeGate, validateBeadsId, type ScopePolicy} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {gateResult, jobStart} from '../lib/gates.js'

export default class ScopeGate extends DxCommand {
  static summary = 'Pass when everything changed since the job started stays inside its allowed paths and budgets.'
  static description =
    'Counts committed (base..HEAD), staged, unstaged and untracked changes since the start commit, never the paths already dirty when the job started. ' +
    'Each flag replaces that value of the scope the job recorded (--beads, from its profile). ' +
    'Exit 0 pass, 24 fail (path_outside_allowlist, mutation_budget_exceeded, file_budget_exceeded), 1 bad input or nothing to check, 3 unknown job.'
  static examples = [
    '<%= config.bin %> scope-gate --worktree /tmp/agents/bd-1/repo --beads bd-1',
    '<%= config.bin %> scope-gate --worktree /tmp/agents/bd-1/repo --base origin/main --allowed-paths-file scope.txt --mutation-budget 20 --file-budget 500 --json',
  ]
  static flags = commandFlags('scope-gate')

  async run(): Promise<void> {
    const {flags} = await this.parse(ScopeGate)
    const job = flags.beads === undefined ? undefined : jobStart(validateBeadsId(flags.beads))
    const base = flags.base ?? job?.snapshot.base_head ?? undefined
    if (base === undefined) throw new DxError('give --base <ref>, or --beads <id> to count the changes since that job started')
    const recorded = jobScope(job?.meta)
    let allowed = recorded?.allowed_paths ?? null
    if (flags['allowed-paths-file'] !== undefined) {
      try {
        allowed = parseAllowedPaths(readFileSync(flags['allowed-paths-file'], 'utf8'))
      } catch (error) {
        throw new DxError(`cannot read --allowed-paths-file ${flags['allowed-paths-file']}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
    }
    const policy: ScopePolicy = {
      allowed_paths: allowed,
      mutation_budget: flags['mutation-budget'] ?? recorded?.mutation_budget ?? null,
      file_budget: flags['file-budget'] ?? recorded?.file_budget ?? null,
    }
    if (policy.allowed_paths === null && policy.mutation_budget === null && policy.file_budget === null) {
      throw new DxError('nothing to check: give --allowed-paths-file, --mutation-budget or --file-budget, or --beads of a job started with a profile scope')
    }
    emit(gateResult(await scopeGate(flags.worktree, base, policy, job?.snapshot.dirty_at_start ?? [])), flags.json)
  }
}
