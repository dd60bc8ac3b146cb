import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'
import {buildClaudeLaunch} from '@dx-runner/provider-utils/claude-code'
import {ZAI_ANTHROPIC_BASE_URL} from './base-url.js'

/** claude -p as every Claude Code provider launches it, against Z.ai, with the token as ANTHROPIC_AUTH_TOKEN. Pure. */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  return buildClaudeLaunch(job, auth, model, {
    defaultBaseUrl: ZAI_ANTHROPIC_BASE_URL,
    // A personal Anthropic key would win over the Z.ai token; the source variables are not the agent's business.
    unsetEnv: ['ANTHROPIC_API_KEY', 'CC_GLM_AUTH_TOKEN', 'CC_GLM_TOKEN_FILE', 'ZAI_API_KEY', 'CC_GLM_OP_URI'],
  })
}
