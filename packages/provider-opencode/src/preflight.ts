import {type PreflightCheck, type PreflightReport, type ProviderContext} from '@dx-runner/provider'
import {authCheck, binaryCheck, findExecutable} from '@dx-runner/provider-utils'
import {PROVIDER_ID} from './build-launch.js'
import {listCliModels, listServiceModels, modelChain} from './models.js'
import {resolveAuth} from './resolve-auth.js'

/** The line users of the legacy launcher grep for. */
export const BEADS_MCP_MISSING = 'MISSING (optional - Beads context degraded)'

/** Binary and version, credentials, the model policy (CLI catalog and the service's list), beads-mcp. */
export async function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  const checks: PreflightCheck[] = []
  let reason: string | undefined
  const chain = modelChain(ctx)
  const bin = findExecutable('opencode', ctx.env.PATH)
  // opencode writes state under HOME on any run: ask its version from a throwaway HOME, not the user's
  const [binary, catalog] = await Promise.all([
    binaryCheck('opencode', bin, ctx, {install: 'npm i -g opencode-ai', isolatedEnv: (home) => ({PATH: ctx.env.PATH, HOME: home, TMPDIR: home, NO_COLOR: '1'})}),
    bin ? listCliModels(ctx, chain) : undefined,
  ])
  checks.push(binary)
  if (catalog) {
    if (!catalog.ok) {
      checks.push({name: 'model catalog', status: 'fail', detail: catalog.detail})
    } else {
      const listed = chain.filter((m) => catalog.models.includes(m))
      if (listed.length === 0) reason = 'provider_model_unavailable'
      checks.push(
        listed.length > 0
          ? {name: 'model catalog', status: listed[0] === chain[0] ? 'ok' : 'warn', detail: `opencode models lists ${listed.map((m) => `${PROVIDER_ID}/${m}`).join(', ')}`}
          : {name: 'model catalog', status: 'fail', detail: `opencode models does not list ${chain.map((m) => `${PROVIDER_ID}/${m}`).join(', ')}; dispatch via cc-glm or gemini`},
      )
    }
  }
  const resolved = await authCheck(() => resolveAuth(ctx))
  checks.push(resolved.check, ...resolved.warnings)
  const auth = resolved.auth
  if (!auth) reason ??= 'provider_auth_failed'
  if (auth) {
    const endpoint = auth.plainEnv?.OPENCODE_ZAI_BASE_URL
    const service = await listServiceModels(ctx, auth)
    if (service.known) {
      const available = chain.find((m) => service.models.includes(m))
      if (!available) reason ??= 'provider_model_unavailable'
      checks.push(
        available === undefined
          ? {name: 'model service', status: 'fail', detail: `${endpoint} lists none of ${chain.join(', ')} (it has ${service.models.join(', ') || 'none'}); dispatch via cc-glm or gemini`}
          : {name: 'model service', status: available === chain[0] ? 'ok' : 'warn', detail: `${available} available at ${endpoint}${available === chain[0] ? '' : ` (fallback: ${chain.slice(0, chain.indexOf(available)).join(', ')} not listed)`}`},
      )
    } else if (service.status === 401 || service.status === 403) {
      reason ??= 'provider_auth_failed'
      checks.push({name: 'model service', status: 'fail', detail: `${service.detail}: the key was refused`})
    } else if (service.status !== undefined) {
      checks.push({name: 'model service', status: 'warn', detail: `${service.detail}; cannot list models, assuming ${chain[0]}`})
    } else {
      reason ??= 'provider_model_unavailable'
      checks.push({name: 'model service', status: 'fail', detail: service.detail})
    }
  }
  const beads = findExecutable('beads-mcp', ctx.env.PATH)
  checks.push(beads ? {name: 'beads-mcp binary', status: 'ok', detail: `found ${beads} (the job's MCP server \`beads\`)`} : {name: 'beads-mcp binary', status: 'warn', detail: BEADS_MCP_MISSING})
  const passed = checks.every((c) => c.status !== 'fail')
  return {provider: 'opencode', passed, checks, ...(passed || !reason ? {} : {reason_code: reason})}
}
