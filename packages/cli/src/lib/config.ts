import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {isAbsolute, join, resolve} from 'node:path'
import {DxError, ExitCode} from '@dx-runner/core'

/** What a user sets once. Every key is optional; flags and environment variables win over it. */
export interface DxConfig {
  artifact_root?: string
  allowed_prefixes?: string[]
  default_provider?: string
  /** Per provider: the providers to try, in order, when it cannot serve (as --fallback-provider). */
  fallback_providers?: Record<string, string[]>
  /** Per provider: the models to try when the requested one is unavailable (as --fallback-model). */
  fallback_models?: Record<string, string[]>
  thresholds?: {first_output_seconds?: number; stall_minutes?: number; no_op_minutes?: number; rc_grace_seconds?: number}
  log_retention?: {keep_logs?: number}
  /** Machines `--host <name>` dispatches to over ssh (see lib/remote.ts). */
  hosts?: Record<string, {ssh: string; dx_runner?: string; dx_runner_home?: string; ssh_config?: string; connect_timeout_seconds?: number}>
}

/**
 * The JSON Schema of the config file (draft 2020-12), for editors and for the validator below, which
 * implements exactly the keywords used here so loading the config costs no schema library.
 */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dx-runner.dev/schemas/config.json',
  title: 'dx-runner config',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: {type: 'string'},
    artifact_root: {type: 'string', minLength: 1, pattern: '^/'},
    allowed_prefixes: {type: 'array', items: {type: 'string', minLength: 1, pattern: '^/'}},
    default_provider: {type: 'string', minLength: 1},
    fallback_providers: {type: 'object', additionalProperties: {type: 'array', items: {type: 'string', minLength: 1}}},
    fallback_models: {type: 'object', additionalProperties: {type: 'array', items: {type: 'string', minLength: 1}}},
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: {
        first_output_seconds: {type: 'number', minimum: 0},
        stall_minutes: {type: 'number', minimum: 0},
        no_op_minutes: {type: 'number', minimum: 0},
        rc_grace_seconds: {type: 'number', minimum: 0},
      },
    },
    log_retention: {type: 'object', additionalProperties: false, properties: {keep_logs: {type: 'integer', minimum: 1}}},
    hosts: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ssh'],
        properties: {
          ssh: {type: 'string', minLength: 1, pattern: '^[^-\\s]'},
          dx_runner: {type: 'string', minLength: 1},
          dx_runner_home: {type: 'string', minLength: 1},
          ssh_config: {type: 'string', minLength: 1},
          connect_timeout_seconds: {type: 'number', minimum: 1},
        },
      },
    },
  },
} as const

type Schema = {
  type?: string
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  required?: readonly string[]
  items?: Schema
  minLength?: number
  pattern?: string
  minimum?: number
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

/** Errors as `<key path>: <problem>`, empty when the document is valid. */
export function validateConfig(doc: unknown, schema: Schema = CONFIG_SCHEMA as unknown as Schema, at = ''): string[] {
  const where = at || '(top level)'
  const t = typeOf(doc)
  if (schema.type && !(t === schema.type || (schema.type === 'number' && t === 'integer'))) return [`${where}: expected ${schema.type === 'object' ? 'an object' : schema.type === 'array' ? 'an array' : `a ${schema.type}`}, got ${t === 'object' ? 'an object' : t === 'array' ? 'an array' : JSON.stringify(doc)}`]
  const errors: string[] = []
  if (typeof doc === 'string') {
    if (schema.minLength !== undefined && doc.length < schema.minLength) errors.push(`${where}: must not be empty`)
    else if (schema.pattern === '^/' && !doc.startsWith('/')) errors.push(`${where}: must be an absolute path, got ${JSON.stringify(doc)}`)
    else if (schema.pattern && schema.pattern !== '^/' && !new RegExp(schema.pattern).test(doc)) errors.push(`${where}: must not start with "-" or a space, got ${JSON.stringify(doc)}`)
  }
  if (typeof doc === 'number' && schema.minimum !== undefined && doc < schema.minimum) errors.push(`${where}: must be at least ${schema.minimum}, got ${doc}`)
  if (Array.isArray(doc) && schema.items) doc.forEach((v, i) => errors.push(...validateConfig(v, schema.items, `${at}[${i}]`)))
  if (t === 'object') {
    const o = doc as Record<string, unknown>
    for (const r of schema.required ?? []) if (!(r in o)) errors.push(`${at ? `${at}.` : ''}${r}: required`)
    for (const [k, v] of Object.entries(o)) {
      const path = at ? `${at}.${k}` : k
      const sub = schema.properties?.[k]
      if (sub) errors.push(...validateConfig(v, sub, path))
      else if (schema.additionalProperties === false) errors.push(`${path}: unknown key`)
      else if (typeof schema.additionalProperties === 'object') errors.push(...validateConfig(v, schema.additionalProperties, path))
    }
  }
  return errors
}

/** Which file: DX_RUNNER_CONFIG (set by --config too), else $XDG_CONFIG_HOME/dx-runner/config.json. */
export function configPath(env: NodeJS.ProcessEnv): {path: string; explicit: boolean} {
  if (env.DX_RUNNER_CONFIG) return {path: resolve(env.DX_RUNNER_CONFIG), explicit: true}
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config')
  return {path: join(xdg, 'dx-runner', 'config.json'), explicit: false}
}

/** Read and validate; a missing default file is an empty config, a missing explicit one an error. */
export function loadConfig(env: NodeJS.ProcessEnv): {config: DxConfig; path?: string} {
  const {path, explicit} = configPath(env)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !explicit) return {config: {}}
    throw new DxError(`config ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`}`, {exitCode: ExitCode.general})
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new DxError(`config ${path}: not valid JSON (${(error as Error).message})`, {exitCode: ExitCode.general})
  }
  const errors = validateConfig(doc)
  if (errors.length > 0) throw new DxError(`config ${path}: ${errors.join('; ')}`, {exitCode: ExitCode.general})
  return {config: doc as DxConfig, path}
}

let current: DxConfig = {}

/** The config loaded by applyConfig (empty before). */
export function getConfig(): DxConfig {
  return current
}

/**
 * Load the config and make its settings the defaults: environment variables the user set win, and
 * flags win over both. Settings that have an environment variable are applied through it, so every
 * code path (fast path, oclif, the supervisor's children) sees the same values.
 */
export function applyConfig(env: NodeJS.ProcessEnv): DxConfig {
  const {config} = loadConfig(env)
  current = config
  const setDefault = (name: string, value: string | number | undefined) => {
    if (value !== undefined && (env[name] === undefined || env[name] === '')) env[name] = String(value)
  }
  setDefault('DX_RUNNER_HOME', config.artifact_root)
  if (config.allowed_prefixes?.length) env.DX_RUNNER_ALLOWED_PREFIXES = [env.DX_RUNNER_ALLOWED_PREFIXES, ...config.allowed_prefixes].filter(Boolean).join(':')
  setDefault('DX_RUNNER_FIRST_OUTPUT_SECONDS', config.thresholds?.first_output_seconds)
  setDefault('DX_RUNNER_STALL_MINUTES', config.thresholds?.stall_minutes)
  setDefault('DX_RUNNER_NO_OP_MINUTES', config.thresholds?.no_op_minutes)
  setDefault('DX_RUNNER_RC_GRACE_SECONDS', config.thresholds?.rc_grace_seconds)
  setDefault('DX_RUNNER_KEEP_LOGS', config.log_retention?.keep_logs)
  setDefault('DX_RUNNER_DEFAULT_PROVIDER', config.default_provider)
  return config
}
