import type {ProviderV1} from '@dx-runner/core'
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
  resolveAuth,
  preflight,
  probe,
  selectModel,
  buildLaunch,
  classifyExit,
  parseEvent,
}
