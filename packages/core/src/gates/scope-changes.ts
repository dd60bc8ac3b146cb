import {execFile} from 'node:child_process'
import {closeSync, lstatSync, openSync, readSync} from 'node:fs'
import {join} from 'node:path'
import {DxError} from '../errors.js'
import type {ChangedFile} from './scope-decision.js'

function git(cwd: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile('git', args, {cwd, timeout: 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: {...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0'}}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 128) : 0
      resolve({code, stdout: stdout ?? '', stderr: stderr ?? ''})
    })
  })
}

/** `git diff --numstat -z --no-renames` records → path and lines; `-` (binary) counts 0 lines. Pure. */
export function parseNumstatZ(out: string): ChangedFile[] {
  const files: ChangedFile[] = []
  for (const rec of out.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(rec.replace(/^\n/, ''))
    if (m) files.push({path: m[3], added: m[1] === '-' ? 0 : Number(m[1]), deleted: m[2] === '-' ? 0 : Number(m[2])})
  }
  return files
}

/** Was this path dirty when the job started? Entries ending in `/` are whole untracked directories. Pure. */
export function dirtyAtStart(path: string, dirty: readonly string[]): boolean {
  return dirty.some((d) => d === path || (d.endsWith('/') && path.startsWith(d)))
}

/** Lines of a regular file as numstat would count an added file (0 for binary and anything else). */
function countLines(file: string, maxBytes = 64 * 1024 * 1024): number {
  try {
    if (!lstatSync(file).isFile()) return 0
    const fd = openSync(file, 'r')
    try {
      const buf = Buffer.alloc(64 * 1024)
      let lines = 0
      let last = 10
      let read = 0
      for (let n; read < maxBytes && (n = readSync(fd, buf, 0, buf.length, null)) > 0; read += n) {
        const chunk = buf.subarray(0, n)
        if (chunk.includes(0)) return 0
        for (const b of chunk) if (b === 10) lines++
        last = chunk[n - 1]
      }
      return read > 0 && last !== 10 ? lines + 1 : lines
    } finally {
      closeSync(fd)
    }
  } catch {
    return 0
  }
}

/**
 * Every path changed since `base` in the worktree's repository: committed (base..HEAD), staged, unstaged
 * and untracked, minus the paths dirty when the job started. A path's lines are the most any of those
 * diffs shows (a change committed then reverted still counts); an untracked file counts its lines.
 * Paths are relative to the repository's top level. Runs the real git.
 */
export async function readScopeChanges(worktree: string, base: string, dirty: readonly string[] = []): Promise<{top: string; base: string; head: string | null; files: ChangedFile[]}> {
  const topR = await git(worktree, ['rev-parse', '--show-toplevel'])
  if (topR.code !== 0) throw new DxError(`${worktree} is not a git work tree`)
  const top = topR.stdout.trim()
  const baseR = await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`])
  if (baseR.code !== 0) throw new DxError(`--base ${JSON.stringify(base)} is not a commit in ${worktree}`)
  const baseSha = baseR.stdout.trim()
  const headR = await git(top, ['rev-parse', '--verify', '--quiet', 'HEAD'])
  const head = headR.code === 0 ? headR.stdout.trim() : null
  const diff = ['diff', '--numstat', '-z', '--no-renames', '--ignore-submodules', '--no-ext-diff', '--no-textconv']
  const runs = [
    ...(head ? [[...diff, baseSha, head]] : []), // committed
    [...diff, '--cached', baseSha], // staged
    [...diff, baseSha], // the worktree now (staged and unstaged)
  ]
  const byPath = new Map<string, ChangedFile>()
  const add = (f: ChangedFile) => {
    if (dirtyAtStart(f.path, dirty)) return
    const had = byPath.get(f.path)
    if (!had || f.added + f.deleted > had.added + had.deleted) byPath.set(f.path, f)
  }
  for (const args of runs) {
    const r = await git(top, args)
    if (r.code !== 0) throw new DxError(`git ${args.slice(0, 2).join(' ')} failed in ${worktree}: ${r.stderr.trim().split('\n')[0]}`)
    for (const f of parseNumstatZ(r.stdout)) add(f)
  }
  const untracked = await git(top, ['ls-files', '--others', '--exclude-standard', '-z'])
  if (untracked.code !== 0) throw new DxError(`git ls-files failed in ${worktree}: ${untracked.stderr.trim().split('\n')[0]}`)
  for (const path of untracked.stdout.split('\0').filter(Boolean)) add({path, added: countLines(join(top, path)), deleted: 0})
  return {top, base: baseSha, head, files: [...byPath.values()]}
}
