import {dirname, resolve} from 'node:path'
import {describeIoError} from '../errors.js'
import {createHash} from 'node:crypto'
import type {AuthResult, PreflightReport, ProviderContext, ProviderV1} from '@dx-runner/provider'
import {makeDirs, removeDirs} from '../store/make-dirs.js'
import {DIR_MODE, readJsonFile, writeJsonAtomic} from '../store/store.js'

interface CachedPreflight {
  at: number
  key: string
  report: PreflightReport
}

/**
 * What a passing preflight was taken for, as a fingerprint: PATH, HOME, the fallback models, the
 * provider's declared inputs (ProviderV1.preflightInputs, default its settingsEnv values) and the
 * credential it resolved. A change of any of them (an endpoint that now refuses the key) runs preflight again.
 */
export function preflightKey(provider: ProviderV1, ctx: ProviderContext, auth?: AuthResult, model?: string): string {
  const inputs = provider.preflightInputs ? provider.preflightInputs(ctx) : (provider.settingsEnv ?? []).map((n) => `${n}=${ctx.env[n] ?? ''}`)
  const credential = auth ? [auth.source, ...Object.entries(auth.env).map(([k, v]) => `${k}=${v.reveal()}`)] : []
  const h = createHash('sha256')
  h.update(JSON.stringify([ctx.env.PATH ?? '', ctx.env.HOME ?? '', ctx.fallbackModels ?? [], model ?? '', inputs, credential]))
  return `sha256:${h.digest('hex')}`
}

/** A passing preflight, from `<root>/.cache` when one younger than `ttlSec` was taken for the same inputs (preflightKey). */
export async function cachedPreflight(root: string, provider: ProviderV1, ctx: ProviderContext, ttlSec: number, auth?: AuthResult, model?: string): Promise<PreflightReport> {
  const cachePath = resolve(root, '.cache', `preflight-${provider.name}.json`)
  const key = preflightKey(provider, ctx, auth, model)
  const cached = readJsonFile<CachedPreflight>(cachePath)
  if (cached.kind === 'ok' && cached.value.key === key && Date.now() - cached.value.at < ttlSec * 1000 && cached.value.report?.passed) {
    return cached.value.report
  }
  const report = await provider.preflight(ctx, model)
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
