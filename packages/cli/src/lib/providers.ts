import type {Config} from '@oclif/core'
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
  for (const f of r.failures) {
    registry.incompatible.push({plugin: {name: f.plugin.name, version: f.plugin.version}, reason: `${f.plugin.name} failed to load: ${f.error?.message ?? f.error}`})
  }
  return {
    registry,
    get: (name) => requireProvider(registry, name),
    find: (name) => registry.providers.get(name)?.provider,
  }
}
