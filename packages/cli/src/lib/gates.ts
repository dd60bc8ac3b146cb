import {
  artifactRoot, baselineGate, DxError, ExitCode, featureKeyGate, findJob, readJsonFile,
  isJobMeta, type GateResult, type JobContract, type JobMeta, type JobPaths, type MutationSnapshot,
} from '@dx-runner/core'
import {lines, type Result} from './output.js'

/** The commit a job's worktree was at when it started (from its .mutation snapshot). */
export function jobStartCommit(beads: string): string {
  const paths = findJob(artifactRoot(), beads)
  if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
  const snap = readJsonFile<MutationSnapshot>(paths.mutation)
  if (snap.kind !== 'ok' || !snap.value.base_head) throw new DxError(`job ${beads} has no recorded start commit; pass --base`)
  return snap.value.base_head
}

/** A job's start as its `mutation` snapshot recorded it, and its meta (for scope-gate --beads). */
export function jobStart(beads: string): {snapshot: MutationSnapshot; meta: JobMeta} {
  const paths = findJob(artifactRoot(), beads)
  if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
  const snap = readJsonFile<MutationSnapshot>(paths.mutation)
  if (snap.kind !== 'ok' || !snap.value.base_head) throw new DxError(`job ${beads} has no recorded start commit; pass --base`)
  const meta = readJsonFile<JobMeta>(paths.meta)
  if (meta.kind !== 'ok' || !isJobMeta(meta.value)) throw new DxError(`job ${beads} has no readable metadata (${paths.meta})`, {exitCode: ExitCode.jobError})
  return {snapshot: snap.value, meta: meta.value}
}

/** The gates a job's .contract promised, run against its worktree now (for report). */
export async function contractGates(paths: JobPaths): Promise<GateResult[]> {
  const c = readJsonFile<JobContract>(paths.contract)
  if (c.kind !== 'ok') return []
  const out: GateResult[] = []
  const snap = readJsonFile<MutationSnapshot>(paths.mutation)
  try {
    if (c.value.required_baseline) out.push(await baselineGate(c.value.worktree, c.value.required_baseline))
    if (c.value.feature_key && snap.kind === 'ok' && snap.value.base_head) {
      out.push(await featureKeyGate(c.value.worktree, c.value.feature_key, snap.value.base_head))
    }
  } catch {
    // the worktree is gone or not a repository any more: the report still answers
  }
  return out
}

/** A gate command's result: exit 24 (gate_failed) when it did not pass. */
export function gateResult(r: GateResult): Result<GateResult> {
  const missing = (r.details.missing as {sha: string; subject: string}[] | undefined) ?? []
  const text = lines(
    `${r.gate} gate: ${r.passed ? 'passed' : `FAILED (${r.reason_code})`}`,
    ...missing.map((m) => `  missing Feature-Key: ${m.sha.slice(0, 12)} ${m.subject}`),
    ...scopeLines(r),
    ...(!r.passed && typeof r.details.message === 'string' ? [`  ${r.details.message}`] : []),
  )
  return {doc: r, text, ...(r.passed ? {} : {exitCode: ExitCode.gateFailed})}
}

/** scope-gate's failures in words: the paths outside the allowlist, the budgets gone over. */
function scopeLines(r: GateResult): string[] {
  if (r.gate !== 'scope' || r.passed) return []
  const d = r.details as {outside_allowlist?: string[]; changed_files?: number; changed_lines?: number; mutation_budget?: number | null; file_budget?: number | null; violations?: string[]}
  const v = d.violations ?? []
  return [
    ...(d.outside_allowlist ?? []).map((p) => `  outside the allowed paths: ${p}`),
    ...(v.includes('mutation_budget_exceeded') ? [`  ${d.changed_files} changed files, budget ${d.mutation_budget}`] : []),
    ...(v.includes('file_budget_exceeded') ? [`  ${d.changed_lines} changed lines, budget ${d.file_budget}`] : []),
  ]
}
