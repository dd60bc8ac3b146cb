import type {ProviderContext, ProviderV1} from '@dx-runner/provider'
import {classifyClaudeExit, parseClaudeEvent} from '@dx-runner/provider-utils/claude-code'
import {buildLaunch} from './build-launch.js'
import {preflight} from './preflight.js'
import {probe} from './probe.js'
import {resolveAuth} from './resolve-auth.js'

export const ccGlmProvider: ProviderV1 = {
  specificationVersion: 'v1',
  name: 'cc-glm',
  description: 'Claude Code (claude -p, stream-json) pointed at Z.ai GLM models',
  defaultModel: 'glm-5',
  // non-secret settings start records and restart re-uses (the key's source is recorded by name)
  settingsEnv: ['CC_GLM_BASE_URL', 'CC_GLM_TOKEN_FILE', 'CLAUDE_CODE_MAX_RETRIES'],
  resolveAuth,
  preflight,
  probe(ctx: ProviderContext, model?: string) {
    return probe(ccGlmProvider, ctx, model)
  },
  async selectModel(_ctx: ProviderContext, requested?: string) {
    return {selected_model: requested ?? 'glm-5', fallback_reason: 'none'}
  },
  buildLaunch,
  classifyExit: classifyClaudeExit,
  parseEvent: parseClaudeEvent,
}
