import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'

export interface ClaudeLaunchOptions {
  /** The endpoint when the credential names none (its plainEnv.ANTHROPIC_BASE_URL). */
  defaultBaseUrl: string
  /** Variables the agent must not see: the provider's own credential sources, and credentials claude would prefer to the one passed. */
  unsetEnv: string[]
}

/** claude -p with stream-json, the prompt on stdin, the credential only in the child's environment. Pure. */
export function buildClaudeLaunch(job: JobSpec, auth: AuthResult, model: string, options: ClaudeLaunchOptions): LaunchSpec {
  return {
    command: 'claude',
    args: ['-p', '--model', model, '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'],
    env: {
      ANTHROPIC_BASE_URL: auth.plainEnv?.ANTHROPIC_BASE_URL ?? options.defaultBaseUrl,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      // needed for --dangerously-skip-permissions when running as root; harmless otherwise
      IS_SANDBOX: '1',
      TMPDIR: job.tmpDir,
    },
    secretEnv: {...auth.env},
    unsetEnv: [...options.unsetEnv],
    stdin: 'prompt',
    cwd: job.worktree,
  }
}
