import {execFile} from 'node:child_process'
import {accessSync, constants, readFileSync, statSync} from 'node:fs'
import {delimiter, isAbsolute, join} from 'node:path'
import {DxError, ExitCode, Secret, type AuthResult, type ProviderContext} from '@dx-runner/core'
import {baseUrlFrom} from './base-url.js'

export const DEFAULT_OP_URI = 'op://dev/Agent-Secrets-Production/ZAI_API_KEY'
const SOURCES_HELP = 'set CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, ZAI_API_KEY or CC_GLM_OP_URI (or install the 1Password CLI `op` and sign in)'

function findOnPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const p = join(dir, command)
    try {
      accessSync(p, constants.X_OK)
      if (statSync(p).isFile()) return p
    } catch {}
  }
  return undefined
}

function checkToken(token: string, source: string, exitCode: number): string {
  const t = token.trim()
  if (/[\n\r\0]/.test(t)) throw new DxError(`the credential from ${source} contains a newline or NUL`, {exitCode})
  if (!t) throw new DxError(`the credential from ${source} is empty; ${SOURCES_HELP}`, {exitCode})
  return t
}

function readTokenFile(path: string): string {
  let st
  try {
    st = statSync(path)
  } catch {
    throw new DxError(`CC_GLM_TOKEN_FILE ${path} does not exist`, {exitCode: ExitCode.tokenFile})
  }
  if (!st.isFile()) throw new DxError(`CC_GLM_TOKEN_FILE ${path} is not a regular file`, {exitCode: ExitCode.tokenFile})
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new DxError(`CC_GLM_TOKEN_FILE ${path} is not readable`, {exitCode: ExitCode.tokenFile})
  }
  if (!text.trim()) throw new DxError(`CC_GLM_TOKEN_FILE ${path} is empty`, {exitCode: ExitCode.tokenFile})
  return checkToken(text, 'CC_GLM_TOKEN_FILE', ExitCode.tokenFile)
}

/** `op read <ref>` with a timeout; the reference is on argv, the value comes back on stdout. */
function opRead(ref: string, ctx: ProviderContext): Promise<string> {
  const op = findOnPath('op', ctx.env.PATH)
  if (!op) {
    throw new DxError(`cannot read ${ref}: the 1Password CLI \`op\` is not on PATH; ${SOURCES_HELP}`, {exitCode: ExitCode.authFailed})
  }
  return new Promise((resolve, reject) => {
    execFile(op, ['read', '--no-newline', ref], {env: ctx.env, timeout: ctx.timeoutMs, encoding: 'utf8', maxBuffer: 1024 * 1024}, (error, stdout) => {
      if (error) {
        const why = (error as {killed?: boolean}).killed ? `timed out after ${ctx.timeoutMs} ms` : `failed (exit ${String((error as {code?: unknown}).code ?? '?')})`
        reject(new DxError(`op read ${ref} ${why}; sign in with \`op signin\` or ${SOURCES_HELP}`, {exitCode: ExitCode.authFailed}))
        return
      }
      try {
        resolve(checkToken(stdout, ref, ExitCode.authFailed))
      } catch (e) {
        reject(e)
      }
    })
  })
}

const isOpRef = (v: string) => v.startsWith('op://')

/** The first credential source present wins: CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, ZAI_API_KEY, CC_GLM_OP_URI, the default op:// reference. */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  const env = ctx.env
  const done = (source: string, token: string): AuthResult => ({
    source,
    env: {ANTHROPIC_AUTH_TOKEN: new Secret(token)},
    plainEnv: {ANTHROPIC_BASE_URL: baseUrlFrom(env)},
  })
  if (env.CC_GLM_AUTH_TOKEN) return done('CC_GLM_AUTH_TOKEN', checkToken(env.CC_GLM_AUTH_TOKEN, 'CC_GLM_AUTH_TOKEN', ExitCode.authFailed))
  if (env.CC_GLM_TOKEN_FILE) return done('CC_GLM_TOKEN_FILE', readTokenFile(env.CC_GLM_TOKEN_FILE))
  if (env.ZAI_API_KEY) {
    const v = env.ZAI_API_KEY.trim()
    return isOpRef(v) ? done(v, await opRead(v, ctx)) : done('ZAI_API_KEY', checkToken(v, 'ZAI_API_KEY', ExitCode.authFailed))
  }
  if (env.CC_GLM_OP_URI) {
    const ref = env.CC_GLM_OP_URI.trim()
    if (!isOpRef(ref)) throw new DxError(`CC_GLM_OP_URI must be an op:// reference, got ${JSON.stringify(ref.slice(0, 40))}`, {exitCode: ExitCode.authFailed})
    return done(ref, await opRead(ref, ctx))
  }
  if (!findOnPath('op', env.PATH)) throw new DxError(`no credential for cc-glm: ${SOURCES_HELP}`, {exitCode: ExitCode.authFailed})
  return done(DEFAULT_OP_URI, await opRead(DEFAULT_OP_URI, ctx))
}
