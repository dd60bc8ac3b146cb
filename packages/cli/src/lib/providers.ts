import type {Config} from '@oclif/core'
import {join} from 'node:path'
import {providerFingerprint, writeProviderCache} from './provider-cache.js'
import {buildRegistry, requireProvider, type ProviderAnswer, type ProviderRegistry, type ProviderV1} from '@dx-runner/core'

export interface LoadedProviders {
  registry: ProviderRegistry
  get(name: string): ProviderV1
  find(name: string): ProviderV1 | undefined
}

/** Ask every installed plugin for its provider through the dx-runner:provider hook (once per invocation). */
export async function loadProviders(config: Config): Promise<LoadedProviders> {
  const runHook = config.runHook.bind(config) as unknown as (
    event: string,
    opts: object,
  ) => Promise<{successes: {plugin: {name: string; version: string}; result: unknown}[]; failures: {plugin: {name: string; version: string}; error: Error}[]}>
  const r = await runHook('dx-runner:provider', {})
  const answers: ProviderAnswer[] = r.successes.map((s) => ({plugin: {name: s.plugin.name, version: s.plugin.version}, result: s.result}))
  const registry = buildRegistry(answers)
  if (r.failures.length === 0) rememberHooks(config, new Map(r.successes.map((s) => [s.plugin.name, (s.result as {name?: unknown} | undefined)?.name])))
  for (const f of r.failures) {
    registry.incompatible.push({plugin: {name: f.plugin.name, version: f.plugin.version}, reason: `${f.plugin.name} failed to load: ${f.error?.message ?? f.error}`})
  }
  return {
    registry,
    get: (name) => requireProvider(registry, name),
    find: (name) => registry.providers.get(name)?.provider,
  }
}

/** Record where every provider hook lives, for the fast path of status/check. */
function rememberHooks(config: Config, providerOf: Map<string, unknown>): void {
  const hooks = []
  for (const p of config.getPluginsList()) {
    const list = (p.hooks as Record<string, (string | {target: string})[]> | undefined)?.['dx-runner:provider'] ?? []
    for (const h of list) {
      const target = typeof h === 'string' ? h : h.target
      const provider = providerOf.get(p.name)
      hooks.push({plugin: {name: p.name, version: p.version}, module: join(p.root, target), ...(typeof provider === 'string' ? {provider} : {})})
    }
  }
  writeProviderCache({fingerprint: providerFingerprint(config.version, config.root), hooks})
}

/** Build the registry from remembered hook modules, without oclif. */
export async function loadProvidersFromHooks(hooks: {plugin: {name: string; version: string}; module: string; provider?: string}[], only?: string[]): Promise<LoadedProviders> {
  const answers: ProviderAnswer[] = []
  // with `only`, skip the hooks known to answer for other providers (each costs an import)
  for (const h of hooks.filter((x) => !only || x.provider === undefined || only.includes(x.provider))) {
    const mod = (await import(h.module)) as {default?: () => unknown}
    if (typeof mod.default !== 'function') throw new Error(`${h.module} has no default hook`)
    answers.push({plugin: h.plugin, result: await mod.default.call({})})
  }
  const registry = buildRegistry(answers)
  return {registry, get: (name) => requireProvider(registry, name), find: (name) => registry.providers.get(name)?.provider}
}
