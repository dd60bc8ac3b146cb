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

/** Integrity: the reported commit exists and is reachable from HEAD. */
export async function integrityGate(worktree: string, reported: string): Promise<GateResult> {
  await requireGitWorktree(worktree)
  const details: Record<string, unknown> = {worktree, reported_commit: reported}
  if (!SHA_LIKE.test(reported)) return {gate: 'integrity', passed: false, reason_code: 'commit_not_found', details: {...details, message: 'not a commit sha'}}
  const sha = await resolveCommit(worktree, reported)
  if (!sha) return {gate: 'integrity', passed: false, reason_code: 'commit_not_found', details: {...details, message: 'no such commit'}}
  const anc = await git(worktree, ['merge-base', '--is-ancestor', sha, 'HEAD'])
  if (anc.code === 0) return {gate: 'integrity', passed: true, reason_code: null, details: {...details, sha}}
  return {gate: 'integrity', passed: false, reason_code: 'commit_not_reachable', details: {...details, sha, message: 'not reachable from HEAD'}}
}

/** Feature key: every commit in base..HEAD carries the trailer `Feature-Key: <id>`. */
export async function featureKeyGate(worktree: string, featureKey: string, base: string): Promise<GateResult> {
  await requireGitWorktree(worktree)
  const details: Record<string, unknown> = {worktree, feature_key: featureKey, base}
  const baseSha = await resolveCommit(worktree, base)
  if (!baseSha) throw new DxError(`--base ${JSON.stringify(base)} is not a commit in ${worktree}`)
  const sep = '\u001e'
  const r = await git(worktree, ['log', '--format=%H%x1f%s%x1f%(trailers:key=Feature-Key,valueonly,separator=%x1d)' + sep, `${baseSha}..HEAD`])
  if (r.code !== 0) throw new DxError(`git log failed in ${worktree}: ${r.stderr.trim().split('\n')[0]}`)
  const commits = r.stdout
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((rec) => {
      const [sha, subject, keys] = rec.split('\u001f')
      return {sha, subject, keys: (keys ?? '').split('\u001d').map((k) => k.trim()).filter(Boolean)}
    })
  const missing = commits.filter((c) => !c.keys.includes(featureKey)).map((c) => ({sha: c.sha, subject: c.subject}))
  const passed = missing.length === 0
  return {
    gate: 'feature-key',
    passed,
    reason_code: passed ? null : 'feature_key_missing',
    details: {...details, commits_checked: commits.length, missing},
  }
}
