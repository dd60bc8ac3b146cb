import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'
import {ZAI_ANTHROPIC_BASE_URL} from './base-url.js'


/** claude -p with stream-json, the prompt on stdin, the key only in the child's environment. Pure. */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  return {
    command: 'claude',
    args: ['-p', '--model', model, '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'],
    env: {
      ANTHROPIC_BASE_URL: auth.plainEnv?.ANTHROPIC_BASE_URL ?? ZAI_ANTHROPIC_BASE_URL,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      // needed for --dangerously-skip-permissions when running as root; harmless otherwise
      IS_SANDBOX: '1',
      TMPDIR: job.tmpDir,
    },
    secretEnv: {...auth.env},
    // A personal Anthropic key would win over the Z.ai token; the source variables are not the agent's business.
    unsetEnv: ['ANTHROPIC_API_KEY', 'CC_GLM_AUTH_TOKEN', 'CC_GLM_TOKEN_FILE', 'ZAI_API_KEY', 'CC_GLM_OP_URI'],
    stdin: 'prompt',
    cwd: job.worktree,
  }
}
