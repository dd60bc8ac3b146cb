import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import type {AuthWarning, ProviderContext} from '@dx-runner/provider'
import {findExecutable} from '@dx-runner/provider-utils'
import {projectTouchesProvider, type ConfigScope, type UserConfigs} from './merge-config.js'
import {PROVIDER_ID} from './provider-id.js'
import {parseJsonc} from './parse-jsonc.js'

/** The user's global opencode directory: $XDG_CONFIG_HOME/opencode, or ~/.config/opencode. */
function globalDir(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined)
  return xdg ? join(xdg, 'opencode') : undefined
}

/** The files opencode reads as the user's config, lowest precedence first (opencode-ai 1.18: global dir, OPENCODE_CONFIG, the project). */
export function userConfigFiles(env: NodeJS.ProcessEnv, worktree: string): {path: string; scope: ConfigScope}[] {
  const dir = globalDir(env)
  const global = dir ? ['config.json', 'opencode.json', 'opencode.jsonc'].map((f) => ({path: join(dir, f), scope: 'global' as const})) : []
  const custom = env.OPENCODE_CONFIG ? [{path: resolve(worktree, env.OPENCODE_CONFIG), scope: 'custom' as const}] : []
  const project = ['opencode.jsonc', 'opencode.json'].map((f) => ({path: join(worktree, f), scope: 'project' as const}))
  return [...global, ...custom, ...project]
}

/** `{file:./x}` in a config means x next to that config: made absolute, since the job's copy lives elsewhere. */
function anchorFileRefs(text: string, path: string, home: string | undefined): string {
  return text.replace(/\{file:([^}]+)\}/g, (m, p: string) => {
    if (p.startsWith('/')) return m
    if (p.startsWith('~/')) return home ? `{file:${home}/${p.slice(2)}}` : m
    return `{file:${resolve(dirname(path), p)}}`
  })
}

/** The agents opencode-ai 1.18 loads from the worktree's `.opencode/{agent,agents,mode,modes}/**\/*.md`, by name (`sub/name`). */
export function worktreeAgentFiles(worktree: string): string[] {
  const names: string[] = []
  for (const d of ['agent', 'agents', 'mode', 'modes']) {
    let files: string[]
    try {
      files = readdirSync(join(worktree, '.opencode', d), {recursive: true, encoding: 'utf8'})
    } catch {
      continue
    }
    names.push(...files.filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)))
  }
  return names
}

/**
 * Read the user's own opencode setup for a job in `worktree` (ctx.cwd): every config file that exists,
 * and beads-mcp on PATH. A file that does not parse is left out with a warning; nothing here throws.
 */
export function readUserConfigs(ctx: ProviderContext): {user: UserConfigs; warnings: AuthWarning[]} {
  const home = ctx.env.HOME
  const dir = globalDir(ctx.env)
  const rules = dir && existsSync(join(dir, 'AGENTS.md')) ? join(dir, 'AGENTS.md') : undefined
  const agentFiles = worktreeAgentFiles(ctx.cwd)
  const user: UserConfigs = {
    layers: [],
    broken: [],
    ...optional('home', home),
    ...optional('globalRules', rules),
    ...(agentFiles.length ? {agentFiles} : {}),
    ...optional('beadsMcp', findExecutable('beads-mcp', ctx.env.PATH)),
  }
  const warnings: AuthWarning[] = []
  for (const {path, scope} of userConfigFiles(ctx.env, ctx.cwd)) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') continue
      text = ''
      user.broken.push({path, scope, error: `unreadable (${code})`})
    }
    if (!user.broken.some((b) => b.path === path)) {
      try {
        const config = parseJsonc(anchorFileRefs(text, path, home))
        if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new SyntaxError('not a JSON object')
        user.layers.push({path, scope, config: config as Record<string, unknown>})
      } catch (error) {
        user.broken.push({path, scope, error: (error as Error).message.split('\n')[0].slice(0, 120)})
      }
    }
  }
  const rest = user.layers.length ? `dx-runner's config over your other opencode configs` : `dx-runner's config alone`
  for (const b of user.broken) {
    warnings.push({name: 'opencode user config', detail: `opencode: ${b.path} (your ${b.scope} opencode config) is not valid JSON: ${b.error}; the job runs without it, on ${rest}`})
  }
  if (projectTouchesProvider(user, PROVIDER_ID)) {
    const path = user.layers.find((l) => l.scope === 'project' && typeof l.config.provider === 'object' && l.config.provider !== null && PROVIDER_ID in l.config.provider)?.path
    warnings.push({name: 'opencode user config', detail: `opencode: ${path} (the worktree's opencode config) redefines dx-runner's provider ${PROVIDER_ID}: that entry is ignored, and opencode is told not to read the file itself (its other settings still apply; its .opencode/ directory does not)`})
  }
  return {user, warnings}
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({[key]: value} as Record<K, string>) : {}
}
