import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'
import {DEFAULT_BASE_URL} from './resolve-auth.js'

/** OpenCode's provider id for Z.ai's GLM coding plan. */
export const PROVIDER_ID = 'zhipuai-coding-plan'

/**
 * The OpenCode config a job runs with: the GLM provider on the given endpoint, the key read from the
 * environment (never written here), and permissions that keep the agent inside its worktree.
 */
export function opencodeConfig(baseURL: string, models: string | readonly string[]): string {
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    provider: {
      [PROVIDER_ID]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Z.ai GLM Coding Plan',
        options: {baseURL, apiKey: '{env:ZAI_API_KEY}'},
        models: Object.fromEntries((typeof models === 'string' ? [models] : models).map((m) => [m, {name: m, tool_call: true}])),
      },
    },
    permission: {edit: 'allow', bash: 'allow', webfetch: 'allow', external_directory: 'deny'},
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

/**
 * Where opencode keeps its state (HOME and every XDG directory under `home`), its temp files and
 * its config, with no update checks and no model list fetches: a job's, or a preflight's throwaway one.
 */
export function opencodeEnv(home: string, tmp: string, configFile: string): Record<string, string> {
  return {
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_DATA_HOME: `${home}/.local/share`,
    XDG_CACHE_HOME: `${home}/.cache`,
    XDG_STATE_HOME: `${home}/.local/state`,
    OPENCODE_CONFIG: configFile,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    NO_COLOR: '1',
  }
}

/** `opencode run` headless: prompt on stdin (off argv), JSON events, a HOME and config of the job's own. Pure. */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  const baseURL = auth.plainEnv?.OPENCODE_ZAI_BASE_URL ?? DEFAULT_BASE_URL
  return {
    command: 'opencode',
    args: ['run', '--pure', '--model', `${PROVIDER_ID}/${model}`, '--format', 'json'],
    env: opencodeEnv(`${job.tmpDir}/home`, job.tmpDir, `${job.tmpDir}/opencode.json`),
    secretEnv: {...auth.env},
    unsetEnv: ['OPENCODE_CONFIG_CONTENT', 'OPENCODE_CONFIG_DIR', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
    files: [{path: 'opencode.json', content: opencodeConfig(baseURL, model)}],
    stdin: 'prompt',
    cwd: job.worktree,
  }
}
