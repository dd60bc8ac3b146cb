import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DxError, ExitCode, type AuthResult, type ModelSelection, type ProviderContext} from '@dx-runner/provider'
import {findExecutable} from '@dx-runner/provider-utils'
import {opencodeConfig, opencodeEnv, PROVIDER_ID} from './build-launch.js'
import {baseUrlFrom, resolveAuth} from './resolve-auth.js'

/** The required model. */
export const REQUIRED_MODEL = 'glm-5'

/** The requested model (or glm-5), then the fallback chain: context (flag/config), then DX_RUNNER_OPENCODE_FALLBACK_MODELS. */
export function modelChain(ctx: ProviderContext, requested?: string): string[] {
  const fromEnv = (ctx.env.DX_RUNNER_OPENCODE_FALLBACK_MODELS ?? '').split(',')
  const chain = [requested ?? REQUIRED_MODEL, ...(ctx.fallbackModels ?? fromEnv)]
    .map((m) => m.trim().replace(new RegExp(`^${PROVIDER_ID}/`), ''))
    .filter(Boolean)
  return [...new Set(chain)]
}

export type ServiceModels = {known: true; models: string[]} | {known: false; status?: number; detail: string}

/** GET <baseURL>/models with the key, bounded by the context's timeout. A service without the route is "unknown", not "empty". */
export async function listServiceModels(ctx: ProviderContext, auth: AuthResult): Promise<ServiceModels> {
  const url = `${auth.plainEnv?.OPENCODE_ZAI_BASE_URL ?? baseUrlFrom(ctx.env)}/models`
  const key = auth.env.ZAI_API_KEY?.reveal() ?? ''
  try {
    const res = await fetch(url, {headers: {authorization: `Bearer ${key}`, accept: 'application/json'}, signal: AbortSignal.timeout(ctx.timeoutMs)})
    if (!res.ok) {
      await res.body?.cancel()
      return {known: false, status: res.status, detail: `GET ${url} answered ${res.status}`}
    }
    const doc = (await res.json()) as {data?: {id?: unknown}[]}
    const models = (doc.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string')
    return {known: true, models}
  } catch (error) {
    const e = error as Error
    return {known: false, detail: `GET ${url} failed: ${e.name === 'TimeoutError' ? `no answer within ${ctx.timeoutMs} ms` : e.message}`}
  }
}

/**
 * `opencode models zhipuai-coding-plan` from a throwaway HOME, with the config a job gets (declaring
 * `models`): does this opencode accept the provider and these models? (opencode 1.18's built-in
 * catalog has glm-5.3 but not glm-5, so the job's config declares the model it runs.)
 */
export async function listCliModels(ctx: ProviderContext, models: readonly string[]): Promise<{ok: true; models: string[]} | {ok: false; detail: string}> {
  const bin = findExecutable('opencode', ctx.env.PATH)
  if (!bin) return {ok: false, detail: 'opencode not found on PATH'}
  const home = mkdtempSync(join(tmpdir(), 'dx-runner-opencode-'))
  try {
    return await new Promise((resolve) => {
      writeFileSync(join(home, 'opencode.json'), opencodeConfig(baseUrlFrom(ctx.env), models))
      const env = {PATH: ctx.env.PATH, ...opencodeEnv(home, home, join(home, 'opencode.json'))}
      execFile(bin, ['models', PROVIDER_ID], {env, timeout: ctx.timeoutMs, encoding: 'utf8', cwd: home}, (error, stdout) => {
        if (error) resolve({ok: false, detail: `opencode models ${PROVIDER_ID} failed${(error as {killed?: boolean}).killed ? ` (no answer within ${ctx.timeoutMs} ms)` : ''}`})
        else resolve({ok: true, models: stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${PROVIDER_ID}/`)).map((l) => l.slice(PROVIDER_ID.length + 1))})
      })
    })
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

export function unavailableError(tried: string[], why: string): DxError {
  const list = tried.map((m) => `${PROVIDER_ID}/${m}`).join(', ')
  return new DxError(
    `opencode: no model available (tried ${list}: ${why}); dispatch via cc-glm or gemini instead (dx-runner start --provider cc-glm …, or add --fallback-provider cc-glm,gemini)`,
    {exitCode: ExitCode.preflightFailed, reasonCode: 'provider_model_unavailable'},
  )
}

/**
 * Walk the chain against what the service lists at /models: the first listed model wins. When the
 * service does not list models, the requested one is taken as is. Nothing listed → exit 21.
 */
export async function selectModel(ctx: ProviderContext, requested?: string): Promise<ModelSelection> {
  const chain = modelChain(ctx, requested)
  const service = await listServiceModels(ctx, await resolveAuth(ctx))
  if (!service.known) {
    if (service.status === 401 || service.status === 403) {
      throw new DxError(`opencode: the service refused the key (${service.detail})`, {exitCode: ExitCode.authFailed, reasonCode: 'provider_auth_failed'})
    }
    if (service.status === undefined) throw unavailableError(chain, service.detail)
    return {selected_model: chain[0], fallback_reason: 'none'}
  }
  const skipped: string[] = []
  for (const m of chain) {
    if (service.models.includes(m)) return {selected_model: m, fallback_reason: skipped.length ? skipped.map((s) => `${s}: provider_model_unavailable`).join('; ') : 'none'}
    skipped.push(m)
  }
  throw unavailableError(chain, `the service lists ${service.models.join(', ') || 'no models'}`)
}
