import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {authCheck, findExecutable, type PreflightCheck, type PreflightReport, type ProviderContext} from '@dx-runner/core'
import {resolveAuth} from './resolve-auth.js'

/** gemini present and answering --version, a key, an endpoint. */
export async function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  const checks: PreflightCheck[] = []
  let reason: string | undefined
  const bin = findExecutable('gemini', ctx.env.PATH)
  if (!bin) {
    checks.push({name: 'gemini binary', status: 'fail', detail: 'gemini not found on PATH; npm i -g @google/gemini-cli'})
  } else {
    // gemini creates ~/.gemini on any run: ask its version from a throwaway HOME, not the user's
    const home = mkdtempSync(join(tmpdir(), 'dx-runner-gemini-'))
    const version = await new Promise<string | undefined>((resolve) => {
      execFile(bin, ['--version'], {env: {...ctx.env, HOME: home, NO_COLOR: '1'}, timeout: ctx.timeoutMs, encoding: 'utf8'}, (error, stdout) => resolve(error ? undefined : stdout.trim().split('\n')[0]))
    }).finally(() => rmSync(home, {recursive: true, force: true}))
    checks.push(version ? {name: 'gemini binary', status: 'ok', detail: `${bin} (${version})`} : {name: 'gemini binary', status: 'fail', detail: `${bin} --version failed`})
  }
  const auth = await authCheck(() => resolveAuth(ctx))
  checks.push(auth.check)
  if (!auth.auth) reason = 'provider_auth_failed'
  checks.push({name: 'endpoint', status: 'ok', detail: ctx.env.GOOGLE_GEMINI_BASE_URL || 'Gemini API default'})
  const passed = checks.every((c) => c.status !== 'fail')
  return {provider: 'gemini', passed, checks, ...(passed || !reason ? {} : {reason_code: reason})}
}
