/** The model Claude Code 2.1.197 itself picks for an API-key user when given none (measured against the simulator). */
export const DEFAULT_MODEL = 'claude-opus-4-8'
