import {DxError, ExitCode} from '../errors.js'
import {PROVIDER_NAME_RE, type ProviderV1} from '@dx-runner/provider'

export const SPECIFICATION_VERSION = 'v1'

export interface ProviderAnswer {
  /** The package that answered the dx-runner:provider hook. */
  plugin: {name: string; version: string}
  result: unknown
}

export interface IncompatibleProvider {
  plugin: {name: string; version: string}
  name?: string
  reason: string
}

export interface ProviderRegistry {
  providers: Map<string, {provider: ProviderV1; plugin: {name: string; version: string}}>
  incompatible: IncompatibleProvider[]
}

const REQUIRED_METHODS = ['resolveAuth', 'preflight', 'probe', 'selectModel', 'buildLaunch', 'classifyExit'] as const

/** Why a hook answer is not a usable ProviderV1, or undefined when it is. */
export function providerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the hook did not return a provider object'
  const p = value as Record<string, unknown>
  if (p.specificationVersion !== SPECIFICATION_VERSION) {
    return `implements specificationVersion ${JSON.stringify(p.specificationVersion)}, this dx-runner supports '${SPECIFICATION_VERSION}'`
  }
  if (typeof p.name !== 'string' || !PROVIDER_NAME_RE.test(p.name)) return 'has no valid name'
  for (const m of REQUIRED_METHODS) if (typeof p[m] !== 'function') return `lacks method ${m}()`
  if (p.settingsEnv !== undefined && !(Array.isArray(p.settingsEnv) && p.settingsEnv.every((n) => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)))) {
    return 'has a settingsEnv that is not a list of environment variable names'
  }
  return undefined
}

/** Key hook answers by provider name; refuse the ones built for another contract version. */
export function buildRegistry(answers: ProviderAnswer[]): ProviderRegistry {
  const providers: ProviderRegistry['providers'] = new Map()
  const incompatible: IncompatibleProvider[] = []
  for (const answer of answers) {
    const list = Array.isArray(answer.result) ? answer.result : [answer.result]
    for (const value of list) {
      if (value === undefined || value === null) continue
      const problem = providerProblem(value)
      const name = typeof (value as {name?: unknown}).name === 'string' ? (value as {name: string}).name : undefined
      if (problem) {
        incompatible.push({plugin: answer.plugin, name, reason: `${answer.plugin.name} ${problem}`})
        continue
      }
      const provider = value as ProviderV1
      if (!providers.has(provider.name)) providers.set(provider.name, {provider, plugin: answer.plugin})
    }
  }
  return {providers, incompatible}
}

export function requireProvider(registry: ProviderRegistry, name: string): ProviderV1 {
  const entry = registry.providers.get(name)
  if (entry) return entry.provider
  const bad = registry.incompatible.find((i) => i.name === name)
  if (bad) throw new DxError(`provider '${name}' is incompatible: ${bad.reason}`, {exitCode: ExitCode.providerNotFound})
  const known = [...registry.providers.keys()].sort().join(', ') || 'none'
  throw new DxError(`provider '${name}' not found (installed: ${known}); see 'dx-runner providers'`, {
    exitCode: ExitCode.providerNotFound,
  })
}
