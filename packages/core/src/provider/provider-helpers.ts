import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DxError} from '../errors.js'
import type {AuthResult, PreflightCheck, ProviderContext} from './provider-v1.js'
import {warnOnce} from './warn-once.js'

/**
 * A preflight's `auth` check: where the credential came from, or why none resolved (never the secret);
 * and a `warn` check for each of the credential's warnings, which also go to stderr (once).
 */
export async function authCheck(resolve: () => Promise<AuthResult>): Promise<{check: PreflightCheck; auth?: AuthResult; warnings: PreflightCheck[]}> {
  try {
    const auth = await resolve()
    for (const w of auth.warnings ?? []) warnOnce(w.detail)
    const warnings = (auth.warnings ?? []).map((w): PreflightCheck => ({name: w.name, status: 'warn', detail: w.detail}))
    return {check: {name: 'auth', status: 'ok', detail: `from ${auth.source}`}, auth, warnings}
  } catch (error) {
    return {check: {name: 'auth', status: 'fail', detail: DxError.isInstance(error) ? error.message : String(error)}, warnings: []}
  }
}

/** One line of an agent CLI's JSON event stream as an object; anything else (text, arrays, torn JSON) is undefined. */
export function jsonObjectLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export interface BinaryCheckOptions {
  /** How to get the CLI, for the "not found" line (e.g. `npm i -g @google/gemini-cli`). */
  install: string
  /**
   * Ask `--version` from a throwaway directory used as HOME (and cwd), in the environment this
   * returns for it: for CLIs that write state under HOME on any run. Default: ctx.env, as is.
   */
  isolatedEnv?: (home: string) => NodeJS.ProcessEnv
}

/** A preflight's `<command> binary` check: found on PATH (`bin`) and answering `--version` within the context's timeout. */
export async function binaryCheck(command: string, bin: string | undefined, ctx: ProviderContext, opts: BinaryCheckOptions): Promise<PreflightCheck> {
  const name = `${command} binary`
  if (!bin) return {name, status: 'fail', detail: `${command} not found on PATH; ${opts.install}`}
  const home = opts.isolatedEnv ? mkdtempSync(join(tmpdir(), `dx-runner-${command}-`)) : undefined
  const version = await new Promise<string | undefined>((resolve) => {
    const env = home ? opts.isolatedEnv!(home) : ctx.env
    execFile(bin, ['--version'], {env, cwd: home, timeout: ctx.timeoutMs, encoding: 'utf8'}, (error, stdout) => resolve(error ? undefined : stdout.trim().split('\n')[0]))
  }).finally(() => {
    if (home) rmSync(home, {recursive: true, force: true})
  })
  return version ? {name, status: 'ok', detail: `${bin} (${version})`} : {name, status: 'fail', detail: `${bin} --version failed`}
}
