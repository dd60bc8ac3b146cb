import {execFile} from 'node:child_process'
import {DxError, ExitCode, type ProviderContext} from '@dx-runner/provider'
import {findExecutable} from './find-executable.js'

export const isOpReference = (v: string): boolean => v.startsWith('op://')

/** A credential as found: trimmed, non-empty, one line. `help` says what else the user can set. */
export function checkCredential(token: string, source: string, exitCode: number, help: string): string {
  const t = token.trim()
  if (/[\n\r\0]/.test(t)) throw new DxError(`the credential from ${source} contains a newline or NUL`, {exitCode})
  if (!t) throw new DxError(`the credential from ${source} is empty; ${help}`, {exitCode})
  return t
}

/** `op read <ref>` with the context's timeout; the reference is on argv, the value comes back on stdout only. */
export function opRead(ref: string, ctx: ProviderContext, help: string): Promise<string> {
  const op = findExecutable('op', ctx.env.PATH)
  if (!op) {
    throw new DxError(`cannot read ${ref}: the 1Password CLI \`op\` is not on PATH; ${help}`, {exitCode: ExitCode.authFailed})
  }
  return new Promise((resolve, reject) => {
    execFile(op, ['read', '--no-newline', ref], {env: ctx.env, timeout: ctx.timeoutMs, encoding: 'utf8', maxBuffer: 1024 * 1024}, (error, stdout) => {
      if (error) {
        const why = (error as {killed?: boolean}).killed ? `timed out after ${ctx.timeoutMs} ms` : `failed (exit ${String((error as {code?: unknown}).code ?? '?')})`
        reject(new DxError(`op read ${ref} ${why}; sign in with \`op signin\` or ${help}`, {exitCode: ExitCode.authFailed}))
        return
      }
      try {
        resolve(checkCredential(stdout, ref, ExitCode.authFailed, help))
      } catch (e) {
        reject(e)
      }
    })
  })
}
