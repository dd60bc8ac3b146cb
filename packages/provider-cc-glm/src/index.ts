export {ccGlmProvider} from './provider.js'
export {resolveAuth, DEFAULT_OP_URI} from './resolve-auth.js'
export {buildLaunch} from './build-launch.js'
// shared with every Claude Code provider (@dx-runner/provider-utils/claude-code), under the names cc-glm always exported
export {parseClaudeEvent as parseEvent, classifyClaudeExit as classifyExit} from '@dx-runner/provider-utils/claude-code'
export {preflight, findClaude} from './preflight.js'
export {probe} from './probe.js'
export {baseUrlFrom, ZAI_ANTHROPIC_BASE_URL} from './base-url.js'
