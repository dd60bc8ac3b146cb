import {printable, markdownCell} from './printable.js'
import {evidenceMarkdown, recordedEvidence} from './evidence-view.js'
import {budgetPassed, budgetUsage, formatElapsed, readJsonFile, readSecretExposed, type GateResult, type JobMeta, type JobPaths, type JobView, type Launched} from '@dx-runner/core'

export interface StatusRow {
  beads: string
  provider: string
  pid: string
  state: string
  reason_code: string
  elapsed: string
  log_bytes: number
  mutation_count: number
  retry_count: number
  outcome: string
  /** status --all-hosts: where the job runs ('local' for this machine) */
  host?: string
  /** state queued: its place in its provider's line (1 = next) */
  queue_position?: number
}

export function statusRow(v: JobView): StatusRow {
  return {
    beads: v.beads,
    provider: v.provider,
    pid: v.pid === null ? '-' : String(v.pid),
    state: v.state,
    reason_code: v.reason_code,
    elapsed: formatElapsed(v.elapsed_sec),
    log_bytes: v.log_bytes,
    mutation_count: v.mutation_count,
    retry_count: v.retry_count,
    outcome: v.outcome?.state ?? '-',
  }
}

/** The agent CLI's latest retry, as check and report show it (status null: nothing answered). */
function lastRetry(v: JobView) {
  const r = v.telemetry.last_retry
  return r ? {attempt: r.attempt ?? null, status: r.status ?? null, error: r.error ?? null} : undefined
}

/** What `check --json` prints (schema: check). */
export interface CheckDoc extends StatusRow {
  exit_code: string
  checked_at: string
  last_retry?: ReturnType<typeof lastRetry>
}

export function checkDoc(v: JobView, now: Date): CheckDoc {
  const doc: CheckDoc = {...statusRow(v), exit_code: v.exit_code === null ? '-' : String(v.exit_code), checked_at: now.toISOString()}
  // while the CLI backs off, say what from
  const retry = v.reason_code === 'provider_retrying' ? lastRetry(v) : undefined
  if (retry) doc.last_retry = retry
  return doc
}

/** The run budgets a job runs under and the one that ended it, if one did (README "Run budgets"). */
function budgets(v: JobView) {
  const reason = v.outcome?.reason_code ?? v.reason_code
  const o = v.outcome
  // the usage the budgets judge: the outcome's figures once recorded, else what the log reported so far
  const usage = budgetUsage({input_tokens: o?.input_tokens ?? v.telemetry.input_tokens, output_tokens: o?.output_tokens ?? v.telemetry.output_tokens, cost_usd: o?.cost_usd ?? v.telemetry.cost_usd})
  const money = {max_cost_usd: v.meta?.max_cost_usd ?? null, max_tokens: v.meta?.max_tokens ?? null}
  const byCost = reason === 'budget_exceeded' ? (budgetPassed(money, usage) ?? (money.max_cost_usd !== null ? 'max_cost_usd' : 'max_tokens')) : null
  return {
    max_runtime_sec: v.meta?.timeout_sec ?? null,
    no_mutation_timeout_sec: v.meta?.no_mutation_timeout_sec ?? null,
    first_mutation_grace_sec: v.meta?.first_mutation_grace_sec ?? null,
    ...money,
    total_tokens: usage.tokens,
    budget_ended_by: reason === 'timeout' ? 'max_runtime' : reason === 'no_mutation_timeout' ? 'no_mutation_timeout' : byCost,
  }
}

export function reportDoc(v: JobView, gates?: GateResult[]) {
  const t = v.telemetry
  const o = v.outcome
  const doc: Record<string, unknown> = {
    beads: v.beads,
    provider: v.provider,
    state: v.state,
    reason_code: v.reason_code,
    started_at: v.started_at ?? v.meta?.created_at ?? new Date(0).toISOString(),
    completed_at: v.completed_at,
    duration_sec: String(v.elapsed_sec),
    retries: v.retry_count,
    exit_code: v.exit_code === null ? '-' : String(v.exit_code),
    outcome_state: o?.state ?? '-',
    selected_model: v.meta?.selected_model ?? '-',
    fallback_reason: v.meta?.fallback_reason ?? 'none',
    execution_mode: v.meta?.execution_mode ?? 'detached',
    worktree: v.meta?.worktree ?? '-',
    repo: v.meta?.repo ?? null,
    mutations: v.mutation_count,
    log_bytes: v.log_bytes,
    log_file: v.paths.log,
    cpu_time_sec: Math.round(v.cpu_time_sec * 100) / 100,
    pid_age_sec: v.pid_age_sec,
    ...budgets(v),
  }
  const input = o?.input_tokens ?? t.input_tokens
  const output = o?.output_tokens ?? t.output_tokens
  const cost = o?.cost_usd ?? t.cost_usd
  const tools = o?.tool_calls ?? t.tool_calls
  const session = o?.session_id ?? t.session_id
  if (input !== undefined) doc.input_tokens = input
  if (output !== undefined) doc.output_tokens = output
  if (cost !== undefined) doc.cost_usd = cost
  if (tools !== undefined) doc.tool_calls = tools
  if (session !== undefined) doc.session_id = session
  if (o?.leftover_processes !== undefined) doc.leftover_processes = o.leftover_processes
  const exposed = readSecretExposed(v.paths.secretExposed)
  if (exposed.length > 0) doc.secret_exposed = exposed
  const retry = lastRetry(v)
  if (retry) doc.last_retry = retry
  // ended for breaking its scope: the paths and budgets it broke (README "Scope")
  const scope = v.reason_code === 'scope_violation' ? readJsonFile<Record<string, unknown>>(v.paths.scopeViolation) : undefined
  if (scope?.kind === 'ok') doc.scope_violation = scope.value
  if (o?.finalized_by) Object.assign(doc, {finalized_by: o.finalized_by, finalized_at: o.finalized_at})
  if (gates) doc.gates = gates
  const evidence = recordedEvidence(v.paths)
  if (evidence) doc.evidence = evidence
  return doc
}

export function reportMarkdown(doc: Record<string, unknown>): string {
  const lines = [`# dx-runner report: ${printable(String(doc.beads))}`, '', '| field | value |', '| --- | --- |']
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'gates' || k === 'evidence') continue
    const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)
    lines.push(`| ${markdownCell(k)} | ${v === null || v === undefined ? '-' : markdownCell(text)} |`)
  }
  const gates = doc.gates as GateResult[] | undefined
  if (gates && gates.length > 0) {
    lines.push('', '## Gates', '', '| gate | passed | reason |', '| --- | --- | --- |')
    for (const g of gates) lines.push(`| ${markdownCell(g.gate)} | ${g.passed ? 'yes' : 'no'} | ${markdownCell(g.reason_code ?? '-')} |`)
  }
  const evidence = doc.evidence as GateResult | undefined
  if (evidence) lines.push('', ...evidenceMarkdown(evidence))
  return `${lines.join('\n')}\n`
}

/** Aligned columns, like `ps`; cells are printable (an agent's text cannot add a line or move the cursor). */
export function table(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map(printable))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')
  return [fmt(headers), ...rows.map(fmt)].join('\n') + '\n'
}

export function statusTable(rows: StatusRow[]): string {
  const hosts = rows.some((r) => r.host !== undefined)
  const head = ['BEADS', 'PROVIDER', 'PID', 'STATE', 'REASON', 'ELAPSED', 'LOG', 'MUT', 'RETRY', 'OUTCOME']
  return table(
    hosts ? ['HOST', ...head] : head,
    rows.map((r) => {
      const reason = r.queue_position === undefined ? r.reason_code : `${r.reason_code} #${r.queue_position}`
      const cells = [r.beads, r.provider, r.pid, r.state, reason, r.elapsed, String(r.log_bytes), String(r.mutation_count), String(r.retry_count), r.outcome]
      return hosts ? [r.host ?? 'local', ...cells] : cells
    }),
  )
}

/** The document `start` and `restart` print for a launched attempt (schema: start). */
export function launchDoc(meta: JobMeta, paths: JobPaths, launched: Launched, startedAt: string) {
  return {
    beads: meta.beads,
    provider: meta.provider,
    pid: String(launched.agent.pid),
    monitor_pid: String(launched.monitor.pid),
    state: 'launching',
    selected_model: meta.selected_model,
    fallback_reason: meta.fallback_reason,
    execution_mode: meta.execution_mode,
    worktree: meta.worktree,
    log_file: paths.log,
    started_at: startedAt,
  }
}

/** The document `start --queue` prints for a job that waits in line (schema: start). */
export function queuedDoc(meta: JobMeta, paths: JobPaths, position: number | null) {
  return {
    beads: meta.beads,
    provider: meta.provider,
    pid: '-',
    monitor_pid: '-',
    state: 'queued',
    selected_model: meta.selected_model,
    fallback_reason: meta.fallback_reason,
    execution_mode: meta.execution_mode,
    worktree: meta.worktree,
    log_file: paths.log,
    started_at: meta.created_at,
    ...(position === null ? {} : {queue_position: position}),
    ...(meta.queue ? {max_parallel: meta.queue.max_parallel} : {}),
  }
}

/** Resolves after `ms`, or at once when `stop.wake()` is called (SIGINT/SIGTERM handlers call it). */
export function interruptibleSleep(ms: number, stop: {wake?: () => void}): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms)
    stop.wake = () => {
      clearTimeout(t)
      resolve()
    }
  })
}
