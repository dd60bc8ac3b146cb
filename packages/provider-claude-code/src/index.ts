export {claudeCodeProvider} from './provider.js'
export {resolveAuth} from './resolve-auth.js'
export {buildLaunch} from './build-launch.js'
export {preflight} from './preflight.js'
export {baseUrlFrom, ANTHROPIC_API_BASE_URL} from './base-url.js'
export {DEFAULT_MODEL} from './default-model.js'
// shared with every Claude Code provider
export {parseClaudeEvent as parseEvent, classifyClaudeExit as classifyExit} from '@dx-runner/provider-utils/claude-code'
