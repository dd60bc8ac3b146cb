import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs, type ParseArgsConfig} from 'node:util'

/**
 * status and check answer in a blink: when the provider cache is valid and the flags are plain,
 * they run without loading oclif. Returns false to hand the invocation to oclif (help, errors, anything unusual).
 */
export async function tryFastPath(argv: string[]): Promise<boolean> {
  const [command, ...rest] = argv
  if (command !== 'status' && command !== 'check') return false
  const threshold = {type: 'string'} as const
  const options: ParseArgsConfig['options'] = {
    beads: {type: 'string'},
    json: {type: 'boolean'},
    'stall-minutes': threshold,
    'no-op-minutes': threshold,
    'first-output-seconds': threshold,
    'rc-grace-seconds': threshold,
  }
  if (command === 'status') options.provider = {type: 'string'}
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({args: rest, options, strict: true, allowPositionals: false}).values as Record<string, string | boolean | undefined>
  } catch {
    return false
  }
  if (command === 'check' && typeof values.beads !== 'string') return false
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}
  const {providerFingerprint, readProviderCache} = await import('./lib/provider-cache.js')
  const cache = readProviderCache(providerFingerprint(version, root))
  if (!cache) return false

  const core = await import('@dx-runner/core')
  const {loadProvidersFromHooks} = await import('./lib/providers.js')
  const {thresholdsFrom} = await import('./lib/thresholds.js')
  const {printStatus, runCheck, statusRows} = await import('./lib/run-status.js')
  let loaded: ReturnType<typeof loadProvidersFromHooks> | undefined
  const providers = () => (loaded ??= loadProvidersFromHooks(cache.hooks))
  try {
    const thresholds = thresholdsFrom(values, process.env)
    const json = values.json === true
    if (command === 'status') {
      printStatus(await statusRows({beads: values.beads as string | undefined, provider: values.provider as string | undefined, json}, providers, thresholds), json)
    } else {
      process.exitCode = await runCheck(values.beads as string, json, providers, thresholds)
    }
  } catch (caught) {
    const error = core.describeIoError(caught) ?? caught
    // Output is written only once everything is known, so oclif can still take over cleanly.
    if (!core.DxError.isInstance(error)) return false
    process.stderr.write(`dx-runner: ${error.message.split('\n')[0]}\n`)
    process.exitCode = error.exitCode
  }
  return true
}
