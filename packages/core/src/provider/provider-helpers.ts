import {DxError} from '../errors.js'
import type {AuthResult, PreflightCheck} from './provider-v1.js'

/** A preflight's `auth` check: where the credential came from, or why none resolved (never the secret). */
export async function authCheck(resolve: () => Promise<AuthResult>): Promise<{check: PreflightCheck; auth?: AuthResult}> {
  try {
    const auth = await resolve()
    return {check: {name: 'auth', status: 'ok', detail: `from ${auth.source}`}, auth}
  } catch (error) {
    return {check: {name: 'auth', status: 'fail', detail: DxError.isInstance(error) ? error.message : String(error)}}
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
