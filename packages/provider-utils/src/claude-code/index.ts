// What every provider that drives the Claude Code CLI (`claude -p --output-format stream-json`) shares,
// whichever Anthropic-compatible endpoint it points claude at (cc-glm: Z.ai; claude-code: Anthropic).
export * from './classify-exit.js'
export * from './endpoint-check.js'
export * from './launch.js'
export * from './parse-event.js'
export * from './preflight.js'
export * from './probe.js'
