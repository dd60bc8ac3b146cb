import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'
import {userConfigsOf} from './build-launch-input.js'
import {JOB_PERMISSION, mergeJobConfig, type OpencodeConfig} from './merge-config.js'
import {DEFAULT_BASE_URL} from './resolve-auth.js'

import {PROVIDER_ID} from './provider-id.js'

export {PROVIDER_ID}

/** dx-runner's provider entry: the GLM provider on the given endpoint, the key read from the environment (never written). */
export function providerEntry(baseURL: string, models: string | readonly string[]): OpencodeConfig {
  return {
    npm: '@ai-sdk/openai-compatible',
    name: 'Z.ai GLM Coding Plan',
    options: {baseURL, apiKey: '{env:ZAI_API_KEY}'},
    models: Object.fromEntries((typeof models === 'string' ? [models] : models).map((m) => [m, {name: m, tool_call: true}])),
  }
}

/**
 * dx-runner's config alone (the model catalog check): the GLM provider, and permissions that keep the
 * agent inside its worktree.
 */
export function opencodeConfig(baseURL: string, models: string | readonly string[]): string {
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    provider: {[PROVIDER_ID]: providerEntry(baseURL, models)},
    permission: {...JOB_PERMISSION},
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

/**
 * `opencode run` headless: prompt on stdin (off argv), JSON events, a HOME of the job's own. Its config
 * (README "Providers → opencode"): the user's configs merged under dx-runner's rules, in the job's
 * opencode.json (OPENCODE_CONFIG); the rules again in OPENCODE_CONFIG_CONTENT, the one source opencode
 * applies over the worktree's opencode.json, which it reads itself (unless broken: then it is skipped).
 * `--pure` keeps the user's plugins (code, installed from npm at launch) out of the job. Pure.
 */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  const baseURL = auth.plainEnv?.OPENCODE_ZAI_BASE_URL ?? DEFAULT_BASE_URL
  const merged = mergeJobConfig(userConfigsOf(auth), {id: PROVIDER_ID, entry: providerEntry(baseURL, model)}, model)
  return {
    command: 'opencode',
    args: ['run', '--pure', '--model', `${PROVIDER_ID}/${model}`, '--format', 'json'],
    env: {
      ...opencodeEnv(`${job.tmpDir}/home`, job.tmpDir, `${job.tmpDir}/opencode.json`),
      OPENCODE_CONFIG_CONTENT: JSON.stringify(merged.enforced),
      ...(merged.skipProjectConfig ? {OPENCODE_DISABLE_PROJECT_CONFIG: '1'} : {}),
    },
    secretEnv: {...auth.env},
    unsetEnv: ['OPENCODE_CONFIG_CONTENT', 'OPENCODE_CONFIG_DIR', 'OPENCODE_DISABLE_PROJECT_CONFIG', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
    files: [{path: 'opencode.json', content: `${JSON.stringify(merged.config, null, 2)}\n`}],
    stdin: 'prompt',
    cwd: job.worktree,
  }
}
