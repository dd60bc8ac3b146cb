import {DxError, type AuthResult, type PreflightCheck} from '@dx-runner/provider'
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
