import {DxError, ExitCode, Secret, type AuthResult, type ProviderContext} from '@dx-runner/provider'
import {checkCredential, findExecutable, isOpReference, opRead as readOp, pinnedSourceMissing, readTokenFile, sourceAllowed} from '@dx-runner/provider-utils'
import {baseUrlFrom} from './base-url.js'

export const DEFAULT_OP_URI = 'op://dev/Agent-Secrets-Production/ZAI_API_KEY'
const SOURCES_HELP = 'set CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, ZAI_API_KEY or CC_GLM_OP_URI (or install the 1Password CLI `op` and sign in)'

function checkToken(token: string, source: string, exitCode: number): string {
  return checkCredential(token, source, exitCode, SOURCES_HELP)
}

function opRead(ref: string, ctx: ProviderContext): Promise<string> {
  return readOp(ref, ctx, SOURCES_HELP)
}


/**
 * The first credential source present wins: CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, ZAI_API_KEY, CC_GLM_OP_URI, the default op:// reference.
 * With ctx.authSource (restart) only that source is asked: an op:// reference is read as is.
 */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  const env = ctx.env
  const done = (source: string, token: string, warnings: AuthResult['warnings'] = []): AuthResult => ({
    source,
    env: {ANTHROPIC_AUTH_TOKEN: new Secret(token)},
    plainEnv: {ANTHROPIC_BASE_URL: baseUrlFrom(env)},
    ...(warnings.length > 0 ? {warnings} : {}),
  })
  const pinned = ctx.authSource
  if (pinned && isOpReference(pinned)) return done(pinned, await opRead(pinned, ctx))
  if (env.CC_GLM_AUTH_TOKEN && sourceAllowed(ctx, 'CC_GLM_AUTH_TOKEN')) return done('CC_GLM_AUTH_TOKEN', checkToken(env.CC_GLM_AUTH_TOKEN, 'CC_GLM_AUTH_TOKEN', ExitCode.authFailed))
  if (env.CC_GLM_TOKEN_FILE && sourceAllowed(ctx, 'CC_GLM_TOKEN_FILE')) {
    const file = readTokenFile('CC_GLM_TOKEN_FILE', env.CC_GLM_TOKEN_FILE, SOURCES_HELP)
    return done('CC_GLM_TOKEN_FILE', file.token, file.warnings)
  }
  if (env.ZAI_API_KEY && sourceAllowed(ctx, 'ZAI_API_KEY')) {
    const v = env.ZAI_API_KEY.trim()
    return isOpReference(v) ? done(v, await opRead(v, ctx)) : done('ZAI_API_KEY', checkToken(v, 'ZAI_API_KEY', ExitCode.authFailed))
  }
  if (pinned) throw pinnedSourceMissing('cc-glm', pinned)
  if (env.CC_GLM_OP_URI) {
    const ref = env.CC_GLM_OP_URI.trim()
    if (!isOpReference(ref)) throw new DxError(`CC_GLM_OP_URI must be an op:// reference, got ${JSON.stringify(ref.slice(0, 40))}`, {exitCode: ExitCode.authFailed})
    return done(ref, await opRead(ref, ctx))
  }
  if (!findExecutable('op', env.PATH)) throw new DxError(`no credential for cc-glm: ${SOURCES_HELP}`, {exitCode: ExitCode.authFailed})
  return done(DEFAULT_OP_URI, await opRead(DEFAULT_OP_URI, ctx))
}
