import type {GateResult} from './gate-result.js'

/** What a job may touch (a profile's `scope`, or scope-gate's flags); null: no limit of that kind. */
export interface ScopePolicy {
  /** gitignore-style patterns a changed path must match (`!` negates, `#` comments); null: any path. */
  allowed_paths: string[] | null
  /** at most this many changed files */
  mutation_budget: number | null
  /** at most this many changed lines (added + deleted, as git numstat counts them) */
  file_budget: number | null
}

/** One path the job changed since its start, with the lines it added and deleted (0 for binary files). */
export interface ChangedFile {
  path: string
  added: number
  deleted: number
}

/** Does a policy limit anything at all? Pure. */
export function hasScope(p: Partial<ScopePolicy> | null | undefined): p is ScopePolicy {
  return !!p && (Array.isArray(p.allowed_paths) || typeof p.mutation_budget === 'number' || typeof p.file_budget === 'number')
}

/** The meaningful lines of an allowed-paths file: no blanks, no `#` comments (`\#` escapes one). Pure. */
export function parseAllowedPaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
}

/**
 * The scope decision: changed files + whether each path is allowed + budgets → a gate result. Pure.
 * Reason, first that applies: path_outside_allowlist, mutation_budget_exceeded, file_budget_exceeded;
 * `details.violations` lists every one that applies.
 */
export function decideScope(changes: ChangedFile[], policy: ScopePolicy, isAllowed: (path: string) => boolean, context: Record<string, unknown> = {}): GateResult {
  const files = [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const outside = policy.allowed_paths ? files.filter((f) => !isAllowed(f.path)).map((f) => f.path) : []
  const changedLines = files.reduce((n, f) => n + f.added + f.deleted, 0)
  const violations: string[] = []
  if (outside.length > 0) violations.push('path_outside_allowlist')
  if (policy.mutation_budget !== null && files.length > policy.mutation_budget) violations.push('mutation_budget_exceeded')
  if (policy.file_budget !== null && changedLines > policy.file_budget) violations.push('file_budget_exceeded')
  return {
    gate: 'scope',
    passed: violations.length === 0,
    reason_code: violations[0] ?? null,
    details: {
      ...context,
      allowed_paths: policy.allowed_paths,
      mutation_budget: policy.mutation_budget,
      file_budget: policy.file_budget,
      changed_files: files.length,
      changed_lines: changedLines,
      outside_allowlist: outside,
      violations,
      files,
    },
  }
}
