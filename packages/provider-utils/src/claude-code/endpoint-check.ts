import type {AuthResult, PreflightCheck, ProviderContext} from '@dx-runner/provider'

/** The longest a preflight waits for the endpoint: an endpoint that does not answer only warns. */
const ENDPOINT_TIMEOUT_MS = 1500

export interface ClaudeEndpointOptions {
  /**
   * The variable the credential travels in, which decides its header as claude sends it:
   * ANTHROPIC_API_KEY → `x-api-key`; ANTHROPIC_AUTH_TOKEN → `Authorization: Bearer` (and `x-api-key`, which GLM endpoints read).
   */
  secretEnv: 'ANTHROPIC_API_KEY' | 'ANTHROPIC_AUTH_TOKEN'
  /** The model the counting request names. */
  model: string
}

/**
 * Does the endpoint take this key? One authenticated `POST /v1/messages/count_tokens` (no model
 * call, nothing billed): 401/403 fail the preflight (provider_auth_failed, so `start` exits 10 before
 * launching), any other answer passes, no answer warns. The key goes only into the request's header.
 */
export async function claudeEndpointCheck(url: string, auth: AuthResult, ctx: ProviderContext, options: ClaudeEndpointOptions): Promise<PreflightCheck> {
  const name = 'endpoint'
  const token = auth.env[options.secretEnv]?.reveal()
  if (!token) return {name, status: 'warn', detail: 'no token to try against the endpoint'}
  const target = `${url.replace(/\/+$/, '')}/v1/messages/count_tokens`
  const keyHeaders: Record<string, string> = options.secretEnv === 'ANTHROPIC_API_KEY' ? {'x-api-key': token} : {authorization: `Bearer ${token}`, 'x-api-key': token}
  try {
    const r = await fetch(target, {
      method: 'POST',
      headers: {...keyHeaders, 'anthropic-version': '2023-06-01', 'content-type': 'application/json'},
      body: JSON.stringify({model: options.model, messages: [{role: 'user', content: 'ok'}]}),
      signal: AbortSignal.timeout(Math.min(ctx.timeoutMs, ENDPOINT_TIMEOUT_MS)),
    })
    await r.body?.cancel()
    if (r.status === 401 || r.status === 403) return {name, status: 'fail', detail: `${url} refused the key from ${auth.source} (HTTP ${r.status})`}
    return {name, status: 'ok', detail: `${url} answers (HTTP ${r.status})`}
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${Math.min(ctx.timeoutMs, ENDPOINT_TIMEOUT_MS)} ms` : ((error as {cause?: {code?: string}}).cause?.code ?? (error as Error).message)
    return {name, status: 'warn', detail: `${url} did not answer (${why}); jobs will retry it`}
  }
}
