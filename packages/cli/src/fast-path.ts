import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs, type ParseArgsConfig} from 'node:util'
import {cliRoot} from './lib/cli-root.js'

/**
 * status and check answer in a blink: when the provider cache is valid and the flags are plain,
 * they run without loading oclif. Returns false to hand the invocation to oclif (help, errors, anything unusual).
 */
export async function tryFastPath(argv: string[]): Promise<boolean> {
  const [name, ...rest] = argv
  const {commandFromName, fastPathOptions} = await import('./lib/flag-spec.js')
  const command = commandFromName(name)
  if (command !== 'status' && command !== 'check' && command !== 'start') return false
  const options: ParseArgsConfig['options'] = fastPathOptions(command)
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({values, positionals} = parseArgs({args: rest, options, strict: true, allowPositionals: true}) as {values: Record<string, string | boolean | undefined>; positionals: string[]})
  } catch {
    return false
  }
  // `check bd-1` = `check --beads bd-1` (lib/positional.ts); what it refuses (ids that differ, a missing
  // required flag, an extra argument) oclif explains, with the same rule, so the line is the same
  const {foldPositionals} = await import('./lib/positional.js')
  const folded = foldPositionals(command, positionals, values)
  if ('error' in folded) return false
  values = folded.flags as typeof values
  const root = cliRoot()
  const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}
  const {providerFingerprint, readProviderCache} = await import('./lib/provider-cache.js')
  const cache = readProviderCache(providerFingerprint(version, root))
  // without the cache, status/check still answer fast when no provider is needed (no jobs, unknown id); else oclif
  if (!cache && command === 'start') return false

  const core = await import('@dx-runner/core')
  const {loadProvidersFromHooks} = await import('./lib/providers.js')
  const {thresholdsFrom} = await import('./lib/thresholds.js')
  const {runCheck, statusResult, statusRows} = await import('./lib/run-status.js')
  const {emit} = await import('./lib/output.js')
  const {runStart} = await import('./lib/run-start.js')
  let loaded: ReturnType<typeof loadProvidersFromHooks> | undefined
  const providers = (names?: string[]) => {
    if (!cache) return Promise.reject(new Error('no provider cache: hand over to oclif'))
    return (loaded ??= loadProvidersFromHooks(cache.hooks, names))
  }
  try {
    const json = values.json === true
    if (command === 'start') {
      await runStart(values as unknown as Parameters<typeof runStart>[0], providers)
    } else if (command === 'status') {
      const thresholds = thresholdsFrom(values, process.env)
      emit(statusResult(await statusRows({beads: values.beads as string | undefined, provider: values.provider as string | undefined}, providers, thresholds)), json)
    } else {
      emit(await runCheck(values.beads as string, providers, thresholdsFrom(values, process.env)), json)
    }
  } catch (caught) {
    const error = core.describeIoError(caught) ?? caught
    const {printFailure} = await import('./lib/failure.js')
    if (!core.DxError.isInstance(error)) {
      // status/check write output only once everything is known, so oclif can still take over cleanly;
      // start may have acted already and must not run twice.
      if (command !== 'start') return false
      printFailure({message: String((error as Error)?.message ?? error), exitCode: 1}, values.json === true)
      return true
    }
    printFailure({message: error.message, exitCode: error.exitCode, reasonCode: error.reasonCode}, values.json === true)
  }
  return true
}

