/** A parsed opencode config: a JSON object. */
export type OpencodeConfig = Record<string, unknown>

/** Where a user config came from, lowest precedence first (opencode's own order). */
export type ConfigScope = 'global' | 'custom' | 'project'

/** What the user's own opencode setup holds, as read before launch (README "Providers → opencode"). */
export interface UserConfigs {
  /** The user's configs that parsed, lowest precedence first: global files, $OPENCODE_CONFIG, the worktree's. */
  layers: {path: string; scope: ConfigScope; config: OpencodeConfig}[]
  /** Files that could not be read as a JSON object: left out of the job's config. */
  broken: {path: string; scope: ConfigScope; error: string}[]
  /** The user's home: `~/` in their instructions means it, not the job's private HOME. */
  home?: string
  /** The user's global rules file (`<config dir>/opencode/AGENTS.md`): an instruction, since the job's HOME hides it. */
  globalRules?: string
  /** Agents the worktree defines in `.opencode/agent(s)/**\/*.md` (named by their path there, without .md): they get the denials too. */
  agentFiles?: string[]
  /** beads-mcp found on PATH: registered as the local MCP server `beads`. */
  beadsMcp?: string
}

/** What the job's config is made of: the merged file, and the layer opencode must apply last. */
export interface JobConfig {
  /** The user's configs, beads-mcp, then dx-runner's rules: the job's opencode.json. */
  config: OpencodeConfig
  /** dx-runner's rules alone (OPENCODE_CONFIG_CONTENT): opencode applies it over the worktree's config, which it reads itself. */
  enforced: OpencodeConfig
  /**
   * opencode must not read the worktree's config itself: it is broken (opencode would stop on it), or it
   * touches dx-runner's provider entry (opencode would merge its keys, `api` or `headers`, into the
   * entry the key goes to). The merged file still carries the rest of it; its `.opencode/` is not read.
   */
  skipProjectConfig: boolean
}

/** The permission rules a job runs under: the agent edits and runs commands freely inside its worktree, never outside. */
export const JOB_PERMISSION = {edit: 'allow', bash: 'allow', webfetch: 'allow', external_directory: 'deny'} as const
/** The rules no agent of the user's may loosen. */
const AGENT_DENIALS = {external_directory: 'deny'} as const

const isObject = (v: unknown): v is OpencodeConfig => typeof v === 'object' && v !== null && !Array.isArray(v)

/** opencode's merge: objects key by key, later wins; `instructions` and `plugin` lists are joined without repeats. */
function mergeTwo(base: OpencodeConfig, over: OpencodeConfig, top = true): OpencodeConfig {
  const out: OpencodeConfig = {...base}
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    if (top && (k === 'instructions' || k === 'plugin') && Array.isArray(b) && Array.isArray(v)) out[k] = [...new Set([...b, ...v])]
    else out[k] = isObject(b) && isObject(v) ? mergeTwo(b, v, false) : v
  }
  return out
}

/** `~/x` in the user's global instructions → their home's x (the job's HOME is its own). */
function userPaths(config: OpencodeConfig, home: string | undefined): OpencodeConfig {
  if (!home || !Array.isArray(config.instructions)) return config
  return {...config, instructions: config.instructions.map((p) => (typeof p === 'string' && p.startsWith('~/') ? `${home}/${p.slice(2)}` : p))}
}

/**
 * dx-runner's layer over the user's: its provider entry (whole: the key goes only where dx-runner
 * says), the model, no sharing or updates, the job's permission rules, and the denials on every agent
 * the user defines (an agent's own permission would otherwise win over the top-level one). Pure.
 */
export function dxRunnerLayer(provider: {id: string; entry: OpencodeConfig}, model: string, agents: readonly string[]): OpencodeConfig {
  return {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: `${provider.id}/${model}`,
    provider: {[provider.id]: provider.entry},
    permission: {...JOB_PERMISSION},
    ...(agents.length ? {agent: Object.fromEntries(agents.map((a) => [a, {permission: {...AGENT_DENIALS}}]))} : {}),
  }
}

/**
 * The job's opencode config: the user's configs (global, $OPENCODE_CONFIG, the worktree's) are the
 * base, beads-mcp is registered when found (a user's own `mcp.beads` wins), and dx-runner's provider
 * entry, model and permission rules win over all of them. Pure.
 */
export function mergeJobConfig(user: UserConfigs, provider: {id: string; entry: OpencodeConfig}, model: string): JobConfig {
  let merged: OpencodeConfig = {
    ...(user.globalRules ? {instructions: [user.globalRules]} : {}),
    ...(user.beadsMcp ? {mcp: {beads: {type: 'local', command: [user.beadsMcp], enabled: true}}} : {}),
  }
  for (const l of user.layers) merged = mergeTwo(merged, l.scope === 'project' ? l.config : userPaths(l.config, user.home))
  // the user's own entry for dx-runner's provider is replaced, not merged: its baseURL or headers would receive the key
  if (isObject(merged.provider)) {
    const {[provider.id]: _theirs, ...others} = merged.provider
    merged = {...merged, provider: others}
  }
  const agents = [...new Set([...(isObject(merged.agent) ? Object.keys(merged.agent) : []), ...(user.agentFiles ?? [])])]
  const enforced = dxRunnerLayer(provider, model, agents)
  return {config: mergeTwo(merged, enforced), enforced, skipProjectConfig: user.broken.some((b) => b.scope === 'project') || projectTouchesProvider(user, provider.id)}
}

/** Does the worktree's config say anything about dx-runner's provider entry? Pure. */
export function projectTouchesProvider(user: UserConfigs, id: string): boolean {
  return user.layers.some((l) => l.scope === 'project' && isObject(l.config.provider) && id in l.config.provider)
}
