import {createRequire} from 'node:module'
import type {JobMeta} from '../store/job-meta.js'
import type {MutationSnapshot} from '../job/mutations.js'
import type {GateResult} from './gate-result.js'
import {readScopeChanges} from './scope-changes.js'
import {decideScope, hasScope, type ScopePolicy} from './scope-decision.js'

type Ignore = {add(p: string[]): Ignore; ignores(p: string): boolean}

/**
 * `isAllowed` for gitignore-style patterns, each matched by the `ignore` package (loaded only when a scope is
 * checked). The last pattern matching the path, or a directory containing it, decides; a `!` pattern
 * forbids. Unlike a .gitignore, `!` can take a file back out of a directory an earlier pattern allowed.
 */
export function allowlistMatcher(patterns: readonly string[]): (path: string) => boolean {
  const ignore = createRequire(import.meta.url)('ignore') as () => Ignore
  const rules = patterns
    .filter((p) => p.trim() !== '' && !p.startsWith('#'))
    .map((p) => (p.startsWith('!') ? {allow: false, ig: ignore().add([p.slice(1)])} : {allow: true, ig: ignore().add([p])}))
  return (path) => {
    let allowed = false
    for (const r of rules) {
      try {
        if (r.ig.ignores(path)) allowed = r.allow
      } catch {
        return false // a path the matcher cannot judge is never allowed
      }
    }
    return allowed
  }
}

/** The scope a job recorded at start (its profile's `scope`, meta.settings); undefined when none. Pure. */
export function jobScope(meta: Pick<JobMeta, 'settings'> | undefined): ScopePolicy | undefined {
  const s = meta?.settings
  if (!s) return undefined
  const p: ScopePolicy = {allowed_paths: s.allowed_paths ?? null, mutation_budget: s.mutation_budget ?? null, file_budget: s.file_budget ?? null}
  return hasScope(p) ? p : undefined
}

/** Scope gate: what changed in `worktree` since `base` (minus the paths dirty at start) against the policy. */
export async function scopeGate(worktree: string, base: string, policy: ScopePolicy, dirty: readonly string[] = []): Promise<GateResult> {
  const changes = await readScopeChanges(worktree, base, dirty)
  return decideScope(changes.files, policy, allowlistMatcher(policy.allowed_paths ?? []), {worktree, base: changes.base, head: changes.head})
}

/** A job's scope judged against its worktree now, from its start snapshot; undefined when it cannot be judged. */
export async function jobScopeCheck(meta: JobMeta, snap: MutationSnapshot | undefined): Promise<GateResult | undefined> {
  const policy = jobScope(meta)
  if (!policy || !snap?.is_git || !snap.base_head) return undefined
  try {
    return await scopeGate(meta.worktree, snap.base_head, policy, snap.dirty_at_start)
  } catch {
    return undefined // the worktree is gone or git failed: never end a job on what cannot be read
  }
}

