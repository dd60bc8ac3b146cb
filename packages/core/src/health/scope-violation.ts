import type {GateResult} from '../gates/gate-result.js'

/** The job's `scope-violation` artifact (README "Artifacts"): what it broke, for report. */
export interface ScopeViolationRecord {
  detected_at: string
  reason_code: 'scope_violation'
  violations: string[]
  outside_allowlist: string[]
  changed_files: number
  changed_lines: number
  mutation_budget: number | null
  file_budget: number | null
}

/** A failed scope check → the record an observer writes before it ends the job. Pure. */
export function scopeViolationRecord(check: GateResult, now: number): ScopeViolationRecord {
  const d = check.details as Partial<Omit<ScopeViolationRecord, 'detected_at' | 'reason_code'>>
  return {
    detected_at: new Date(now).toISOString(),
    reason_code: 'scope_violation',
    violations: d.violations ?? [],
    outside_allowlist: d.outside_allowlist ?? [],
    changed_files: d.changed_files ?? 0,
    changed_lines: d.changed_lines ?? 0,
    mutation_budget: d.mutation_budget ?? null,
    file_budget: d.file_budget ?? null,
  }
}

/** Did this observation find the job outside its scope? Only a scope check that ran and failed says so. Pure. */
export function brokeScope(check: GateResult | undefined): check is GateResult {
  return check !== undefined && !check.passed
}
