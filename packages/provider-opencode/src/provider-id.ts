/** OpenCode's provider id for Z.ai's GLM coding plan. */
export const PROVIDER_ID = 'zhipuai-coding-plan'
