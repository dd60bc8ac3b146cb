import {readFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {dispatchQueue, type Dispatched} from '@dx-runner/core'
import type {LoadedProviders} from './providers.js'
import {cliRoot} from './cli-root.js'

/** The installed providers: from the provider cache without oclif when it is valid, else through oclif's plugins. */
async function providersFor(provider: string): Promise<LoadedProviders> {
  const root = cliRoot()
  const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}
  const {providerFingerprint, readProviderCache} = await import('./provider-cache.js')
  const cache = readProviderCache(providerFingerprint(version, root))
  const {loadProviders, loadProvidersFromHooks} = await import('./providers.js')
  if (cache) return loadProvidersFromHooks(cache.hooks, [provider])
  const {Config} = await import('@oclif/core')
  return loadProviders(await Config.load(root))
}

/**
 * The queue's hand-off step (bin/dispatch.js <job dir>): a job's supervisor starts it when the job's
 * agent has ended; it launches the provider's queued jobs that now have a slot and exits. The job's
 * directory names the root and the provider, so it needs no config.
 */
export async function runHandOff(jobDir: string): Promise<Dispatched[]> {
  const providerDir = dirname(jobDir)
  const provider = basename(providerDir)
  const root = dirname(providerDir)
  let loaded: Promise<LoadedProviders> | undefined
  return dispatchQueue(root, provider, async () => (await (loaded ??= providersFor(provider))).get(provider), process.env)
}
