import type {ProviderContext, ProviderV1} from '@dx-runner/provider'
import {buildLaunch} from './build-launch.js'
import {classifyExit} from './classify-exit.js'
import {selectModel} from './models.js'
import {parseEvent} from './parse-event.js'
import {preflight} from './preflight.js'
import {probe} from './probe.js'
import {resolveAuth} from './resolve-auth.js'

export const opencodeProvider: ProviderV1 = {
  specificationVersion: 'v1',
  name: 'opencode',
  description: 'OpenCode headless (opencode run --format json) on zhipuai-coding-plan/glm-5',
  defaultModel: 'glm-5',
  // non-secret settings start records and restart re-uses (the key's source is recorded by name);
  // the last two say where the user's own opencode configs are, so a relaunch reads the same ones
  settingsEnv: ['OPENCODE_ZAI_BASE_URL', 'DX_RUNNER_OPENCODE_FALLBACK_MODELS', 'OPENCODE_CONFIG', 'XDG_CONFIG_HOME'],
  resolveAuth,
  preflight,
  probe(ctx: ProviderContext, model?: string) {
    return probe(opencodeProvider, ctx, model)
  },
  selectModel,
  buildLaunch,
  classifyExit,
  parseEvent,
}
