import {execFile} from 'node:child_process'
import {DxError} from '../errors.js'
import type {GateResult} from './gate-result.js'

function git(cwd: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile('git', args, {cwd, timeout: 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: {...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0'}}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 128) : 0
      resolve({code, stdout: stdout ?? '', stderr: stderr ?? ''})
    })
  })
}

const SHA_LIKE = /^[0-9a-fA-F]{4,64}$/

/** The worktree must be a git work tree; anything else is a usage error (exit 1), not a gate failure. */
export async function requireGitWorktree(worktree: string): Promise<void> {
  const r = await git(worktree, ['rev-parse', '--is-inside-work-tree'])
  if (r.code !== 0 || r.stdout.trim() !== 'true') throw new DxError(`${worktree} is not a git work tree`)
}

async function resolveCommit(worktree: string, rev: string): Promise<string | undefined> {
  const r = await git(worktree, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])
  return r.code === 0 ? r.stdout.trim() : undefined
}

/** Baseline: the required sha is HEAD or an ancestor of HEAD. */
export async function baselineGate(worktree: string, required: string): Promise<GateResult> {
  await requireGitWorktree(worktree)
  const base = {gate: 'baseline', details: {worktree, required_baseline: required} as Record<string, unknown>}
  if (!SHA_LIKE.test(required)) return {...base, passed: false, reason_code: 'baseline_unknown', details: {...base.details, message: 'not a commit sha'}}
  const sha = await resolveCommit(worktree, required)
  const shallow = (await git(worktree, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true'
  if (!sha) {
    return {...base, passed: false, reason_code: 'baseline_unknown', details: {...base.details, shallow, message: shallow ? 'commit not in this shallow clone' : 'commit not found'}}
  }
  const head = (await git(worktree, ['rev-parse', 'HEAD'])).stdout.trim()
  const anc = await git(worktree, ['merge-base', '--is-ancestor', sha, 'HEAD'])
  if (anc.code === 0) return {...base, passed: true, reason_code: null, details: {...base.details, sha, head}}
  if (shallow) return {...base, passed: false, reason_code: 'baseline_unknown', details: {...base.details, sha, head, shallow, message: 'shallow clone cannot tell'}}
  return {...base, passed: false, reason_code: 'baseline_not_met', details: {...base.details, sha, head, message: 'not an ancestor of HEAD'}}
}
