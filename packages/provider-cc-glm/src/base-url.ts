export const ZAI_ANTHROPIC_BASE_URL = 'https://api.z.ai/api/anthropic'

/** The Anthropic-compatible endpoint: CC_GLM_BASE_URL, else Z.ai's. */
export function baseUrlFrom(env: NodeJS.ProcessEnv): string {
  const v = env.CC_GLM_BASE_URL
  return v && v.trim() ? v.trim() : ZAI_ANTHROPIC_BASE_URL
}
