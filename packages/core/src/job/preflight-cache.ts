import {dirname, resolve} from 'node:path'
import {describeIoError} from '../errors.js'
import type {PreflightReport, ProviderContext, ProviderV1} from '@dx-runner/provider'
import {makeDirs, removeDirs} from './make-dirs.js'
import {DIR_MODE, readJsonFile, writeJsonAtomic} from './store.js'

interface CachedPreflight {
  at: number
  key: string
  report: PreflightReport
}

/** A passing preflight, from `<root>/.cache` when one younger than `ttlSec` was taken in the same PATH and HOME. */
export async function cachedPreflight(root: string, provider: ProviderV1, ctx: ProviderContext, ttlSec: number): Promise<PreflightReport> {
  const cachePath = resolve(root, '.cache', `preflight-${provider.name}.json`)
  const key = `${ctx.env.PATH ?? ''}|${ctx.env.HOME ?? ''}|${(ctx.fallbackModels ?? []).join(',')}`
  const cached = readJsonFile<CachedPreflight>(cachePath)
  if (cached.kind === 'ok' && cached.value.key === key && Date.now() - cached.value.at < ttlSec * 1000 && cached.value.report?.passed) {
    return cached.value.report
  }
  const report = await provider.preflight(ctx)
  if (report.passed) remember(root, cachePath, {at: Date.now(), key, report})
  return report
}

/**
 * The cache is the start's first write: a root that cannot take it (read-only, full) refuses the
 * start here, in one line naming the root, and keeps no directory this attempt created.
 */
function remember(root: string, path: string, value: CachedPreflight): void {
  let created: string[] = []
  try {
    created = makeDirs(dirname(path), DIR_MODE)
    writeJsonAtomic(path, value)
  } catch (error) {
    removeDirs(created)
    throw describeIoError({code: (error as NodeJS.ErrnoException).code, path: root}) ?? error
  }
}
