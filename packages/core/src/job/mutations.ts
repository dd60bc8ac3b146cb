import {execFile} from 'node:child_process'
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

/** The worktree as it was when the job started, so only the agent's changes are counted. */
export interface MutationSnapshot {
  is_git: boolean
  base_head: string | null
  dirty_at_start: string[]
  started_at: string
  count: number
  observed_at: string
}

interface GitState {
  head: string | null
  dirty: string[]
}

function git(cwd: string, args: string[], timeoutMs = 10_000): Promise<{code: number; stdout: string}> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8', env: {...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C'}},
      (error, stdout) => {
        const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 1) : 0
        resolve({code, stdout: stdout ?? ''})
      },
    )
  })
}

/** Parse `git status --porcelain=v2 --branch -z`: the HEAD commit and every changed path. Pure. */
export function parsePorcelainV2(out: string): GitState {
  let head: string | null = null
  const dirty: string[] = []
  const records = out.split('\0')
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    if (r.startsWith('# branch.oid ')) {
      const oid = r.slice('# branch.oid '.length)
      head = /^[0-9a-f]{40,64}$/.test(oid) ? oid : null
    } else if (r.startsWith('1 ')) {
      dirty.push(r.split(' ').slice(8).join(' '))
    } else if (r.startsWith('2 ')) {
      dirty.push(r.split(' ').slice(9).join(' '))
      i++ // the original path of a rename follows
    } else if (r.startsWith('u ')) {
      dirty.push(r.split(' ').slice(10).join(' '))
    } else if (r.startsWith('? ')) {
      dirty.push(r.slice(2))
    }
  }
  return {head, dirty}
}

async function gitState(worktree: string): Promise<GitState | undefined> {
  const r = await git(worktree, ['status', '--porcelain=v2', '--branch', '-z', '--ignore-submodules'])
  return r.code === 0 ? parsePorcelainV2(r.stdout) : undefined
}

/** Files changed after `sinceMs`, for worktrees that are not git repositories (bounded walk). */
function countChangedFiles(dir: string, sinceMs: number, budget = {left: 5000}): number {
  let n = 0
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch {
    return 0
  }
  for (const e of entries) {
    if (budget.left-- <= 0) break
    if (e.name === '.git' || e.name === 'node_modules') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) n += countChangedFiles(p, sinceMs, budget)
    else if (e.isFile()) {
      try {
        if (statSync(p).mtimeMs > sinceMs) n++
      } catch {}
    }
  }
  return n
}

export async function snapshotWorktree(worktree: string, now = new Date()): Promise<MutationSnapshot> {
  const st = await gitState(worktree)
  return {
    is_git: st !== undefined,
    base_head: st?.head ?? null,
    dirty_at_start: st?.dirty ?? [],
    started_at: now.toISOString(),
    count: 0,
    observed_at: now.toISOString(),
  }
}

/** Paths changed since the start that were clean then, plus commits made since the start; `unknown` when git cannot tell. */
export async function countMutations(worktree: string, snap: MutationSnapshot, unknown = snap.count): Promise<number> {
  if (!snap.is_git) return countChangedFiles(worktree, Date.parse(snap.started_at))
  const st = await gitState(worktree)
  if (!st) return unknown
  const before = new Set(snap.dirty_at_start)
  let n = st.dirty.filter((p) => !before.has(p)).length
  if (snap.base_head && st.head && st.head !== snap.base_head) {
    const r = await git(worktree, ['rev-list', '--count', `${snap.base_head}..${st.head}`])
    if (r.code === 0) n += Number.parseInt(r.stdout.trim(), 10) || 0
  }
  return n
}
