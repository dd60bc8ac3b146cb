import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {isAbsolute, join, resolve} from 'node:path'
import {DxError, ExitCode, type EvidenceCommands} from '@dx-runner/core'
import {configErrors, type SchemaError} from './config-errors.js'
import generated from './config-validator.generated.js'
import {CONFIG_ENV} from './flag-spec.js'

/** What a user sets once. Every key is optional; flags and environment variables win over it. */
export interface DxConfig {
  artifact_root?: string
  allowed_prefixes?: string[]
  default_provider?: string
  /** Per provider: the providers to try, in order, when it cannot serve (as --fallback-provider). */
  fallback_providers?: Record<string, string[]>
  /** Per provider: the models to try when the requested one is unavailable (as --fallback-model). */
  fallback_models?: Record<string, string[]>
  /** Per provider: how many of its jobs may run at once (as DX_RUNNER_MAX_PARALLEL_<PROVIDER>). */
  max_parallel?: Record<string, number>
  /** How long a start waits for a free slot (as DX_RUNNER_QUEUE_TIMEOUT_SEC). */
  queue_timeout_sec?: number
  /** evidence-gate's verification command per claim kind, when the job's profile declares none. */
  evidence?: EvidenceCommands
  thresholds?: {first_output_seconds?: number; stall_minutes?: number; no_op_minutes?: number; rc_grace_seconds?: number}
  log_retention?: {keep_logs?: number}
  /** Machines `--host <name>` dispatches to over ssh (see lib/remote.ts). */
  hosts?: Record<string, {ssh: string; dx_runner?: string; dx_runner_home?: string; ssh_config?: string; connect_timeout_seconds?: number}>
}

export {CONFIG_SCHEMA} from './config-schema.js'

/** ajv's standalone validator: errors on the function after a failed call. */
const validateGenerated = generated as unknown as {(doc: unknown): boolean; errors?: SchemaError[] | null}

/** Errors as `<key path>: <problem>`, empty when the document is valid (ajv, compiled ahead of time). */
export function validateConfig(doc: unknown): string[] {
  return validateGenerated(doc) ? [] : configErrors(doc, validateGenerated.errors ?? [])
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

/**
 * The config applyConfig loaded, kept on globalThis: bin/run.js applies it through the bundled copy
 * of this module (dist/bundle), and oclif's commands read it through dist/lib, a second copy.
 */
const CURRENT = Symbol.for('dx-runner.config')
const holder = globalThis as unknown as Record<symbol, DxConfig | undefined>
/** The environment variables applyConfig set from the config file (same globalThis reason): their values are the config's, not the user's environment. */
const SET_FROM_CONFIG = Symbol.for('dx-runner.config-env')
const setFromConfig = globalThis as unknown as Record<symbol, Set<string> | undefined>

/** The variables applyConfig filled in from the config file (empty before). */
export function envFromConfig(): ReadonlySet<string> {
  return setFromConfig[SET_FROM_CONFIG] ?? new Set()
}

/** The config loaded by applyConfig (empty before). */
export function getConfig(): DxConfig {
  return holder[CURRENT] ?? {}
}

/**
 * Load the config and make its settings the defaults: environment variables the user set win, and
 * flags win over both. Settings that have an environment variable are applied through it, so every
 * code path (fast path, oclif, the supervisor's children) sees the same values.
 */
export function applyConfig(env: NodeJS.ProcessEnv): DxConfig {
  const {config} = loadConfig(env)
  holder[CURRENT] = config
  const set = (setFromConfig[SET_FROM_CONFIG] ??= new Set())
  const setDefault = (name: string, value: string | number | undefined) => {
    if (value === undefined || (env[name] !== undefined && env[name] !== '')) return
    env[name] = String(value)
    set.add(name)
  }
  for (const {config: key, env: name} of CONFIG_ENV) setDefault(name, valueAt(config, key))
  if (config.allowed_prefixes?.length) env.DX_RUNNER_ALLOWED_PREFIXES = [env.DX_RUNNER_ALLOWED_PREFIXES, ...config.allowed_prefixes].filter(Boolean).join(':')
  return config
}

/** The value under a dotted key (`thresholds.stall_minutes`), when it is a string or number. */
function valueAt(config: DxConfig, key: string): string | number | undefined {
  let v: unknown = config
  for (const part of key.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined
  return typeof v === 'string' || typeof v === 'number' ? v : undefined
}
