import {DxError, ExitCode, Secret, type AuthResult, type ProviderContext} from '@dx-runner/provider'
import {checkCredential, isOpReference, opRead as readOp, pinnedSourceMissing, readTokenFile, sourceAllowed} from '@dx-runner/provider-utils'
import {baseUrlFrom} from './base-url.js'

const SOURCES_HELP = 'set CLAUDE_CODE_TOKEN_FILE, ANTHROPIC_API_KEY (a key or an op:// reference) or CLAUDE_CODE_OP_URI'

function opRead(ref: string, ctx: ProviderContext): Promise<string> {
  return readOp(ref, ctx, SOURCES_HELP)
}

/**
 * The first credential source present wins: CLAUDE_CODE_TOKEN_FILE, ANTHROPIC_API_KEY (a key or an op://
 * reference), CLAUDE_CODE_OP_URI. No default op:// reference: where a user keeps an Anthropic key is theirs to say.
 * With ctx.authSource (restart) only that source is asked: an op:// reference is read as is.
 */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  const env = ctx.env
  const done = (source: string, key: string, warnings: AuthResult['warnings'] = []): AuthResult => ({
    source,
    env: {ANTHROPIC_API_KEY: new Secret(key)},
    plainEnv: {ANTHROPIC_BASE_URL: baseUrlFrom(env)},
    ...(warnings.length > 0 ? {warnings} : {}),
  })
  const pinned = ctx.authSource
  if (pinned && isOpReference(pinned)) return done(pinned, await opRead(pinned, ctx))
  if (env.CLAUDE_CODE_TOKEN_FILE && sourceAllowed(ctx, 'CLAUDE_CODE_TOKEN_FILE')) {
    const file = readTokenFile('CLAUDE_CODE_TOKEN_FILE', env.CLAUDE_CODE_TOKEN_FILE, SOURCES_HELP)
    return done('CLAUDE_CODE_TOKEN_FILE', file.token, file.warnings)
  }
  if (env.ANTHROPIC_API_KEY && sourceAllowed(ctx, 'ANTHROPIC_API_KEY')) {
    const v = env.ANTHROPIC_API_KEY.trim()
    return isOpReference(v) ? done(v, await opRead(v, ctx)) : done('ANTHROPIC_API_KEY', checkCredential(v, 'ANTHROPIC_API_KEY', ExitCode.authFailed, SOURCES_HELP))
  }
  if (pinned) throw pinnedSourceMissing('claude-code', pinned)
  if (env.CLAUDE_CODE_OP_URI) {
    const ref = env.CLAUDE_CODE_OP_URI.trim()
    if (!isOpReference(ref)) throw new DxError(`CLAUDE_CODE_OP_URI must be an op:// reference, got ${JSON.stringify(ref.slice(0, 40))}`, {exitCode: ExitCode.authFailed})
    return done(ref, await opRead(ref, ctx))
  }
  throw new DxError(`no credential for claude-code: ${SOURCES_HELP}`, {exitCode: ExitCode.authFailed})
}
