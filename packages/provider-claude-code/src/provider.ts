import type {ProviderContext, ProviderV1} from '@dx-runner/provider'
import {classifyClaudeExit, parseClaudeEvent, probeClaude} from '@dx-runner/provider-utils/claude-code'
import {buildLaunch} from './build-launch.js'
import {DEFAULT_MODEL} from './default-model.js'
import {preflight} from './preflight.js'
import {resolveAuth} from './resolve-auth.js'

export const claudeCodeProvider: ProviderV1 = {
  specificationVersion: 'v1',
  name: 'claude-code',
  description: 'Claude Code (claude -p, stream-json) against Anthropic',
  defaultModel: DEFAULT_MODEL,
  // non-secret settings start records and restart re-uses (the key's source is recorded by name)
  settingsEnv: ['CLAUDE_CODE_BASE_URL', 'CLAUDE_CODE_TOKEN_FILE', 'CLAUDE_CODE_MAX_RETRIES'],
  resolveAuth,
  preflight,
  probe(ctx: ProviderContext, model?: string) {
    return probeClaude(claudeCodeProvider, ctx, model ?? DEFAULT_MODEL)
  },
  async selectModel(_ctx: ProviderContext, requested?: string) {
    return {selected_model: requested ?? DEFAULT_MODEL, fallback_reason: 'none'}
  },
  buildLaunch,
  // the same claude CLI as cc-glm: its events and exit codes mean the same whoever serves the model
  classifyExit: classifyClaudeExit,
  parseEvent: parseClaudeEvent,
}
