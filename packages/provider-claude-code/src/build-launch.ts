import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'
import {buildClaudeLaunch} from '@dx-runner/provider-utils/claude-code'
import {ANTHROPIC_API_BASE_URL} from './base-url.js'

/** claude -p as every Claude Code provider launches it, against Anthropic, with the key as ANTHROPIC_API_KEY. Pure. */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  return buildClaudeLaunch(job, auth, model, {
    defaultBaseUrl: ANTHROPIC_API_BASE_URL,
    // A bearer token or a claude.ai login would be sent instead of (or beside) the key; the source variables are not the agent's business.
    unsetEnv: ['ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_CODE_TOKEN_FILE', 'CLAUDE_CODE_OP_URI', 'CLAUDE_CODE_BASE_URL'],
  })
}
