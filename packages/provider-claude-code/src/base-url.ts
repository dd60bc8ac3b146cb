export const ANTHROPIC_API_BASE_URL = 'https://api.anthropic.com'

/** Anthropic's API, or CLAUDE_CODE_BASE_URL (a proxy, a gateway, the test simulator). */
export function baseUrlFrom(env: NodeJS.ProcessEnv): string {
  const v = env.CLAUDE_CODE_BASE_URL
  return v && v.trim() ? v.trim() : ANTHROPIC_API_BASE_URL
}
