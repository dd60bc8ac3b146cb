import type {ProviderContext, ProviderV1} from '@dx-runner/provider'
import {buildLaunch} from './build-launch.js'
import {classifyExit} from './classify-exit.js'
import {parseEvent} from './parse-event.js'
import {preflight} from './preflight.js'
import {probe} from './probe.js'
import {resolveAuth} from './resolve-auth.js'

export const geminiProvider: ProviderV1 = {
  specificationVersion: 'v1',
  name: 'gemini',
  description: 'Gemini CLI headless (stream-json, auto-approve)',
  defaultModel: 'gemini-2.5-pro',
  // non-secret settings start records and restart re-uses (the key's source is recorded by name)
  settingsEnv: ['GOOGLE_GEMINI_BASE_URL'],
  resolveAuth,
  preflight,
  probe(ctx: ProviderContext, model?: string) {
    return probe(geminiProvider, ctx, model)
  },
  async selectModel(_ctx: ProviderContext, requested?: string) {
    return {selected_model: requested ?? 'gemini-2.5-pro', fallback_reason: 'none'}
  },
  buildLaunch,
  classifyExit,
  parseEvent,
}
