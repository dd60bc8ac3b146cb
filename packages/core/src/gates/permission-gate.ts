import {realpathSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {isAbsolute, join, sep} from 'node:path'
import type {GateResult} from './gate-result.js'

/** Allowed worktree prefixes: the defaults plus DX_RUNNER_ALLOWED_PREFIXES (':'-separated). */
export function allowedPrefixes(env: NodeJS.ProcessEnv, extra: string[] = []): string[] {
  const home = env.HOME || homedir()
  const list = ['/tmp/agents', '/tmp/dx-runner', join(home, 'agent-skills'), ...extra]
  for (const p of (env.DX_RUNNER_ALLOWED_PREFIXES ?? '').split(':')) if (p) list.push(p)
  return list.filter((p) => isAbsolute(p))
}

function canonical(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}

/** Component-wise: /tmp/agents/x is under /tmp/agents, /tmp/agents-evil is not. */
export function isUnder(path: string, prefix: string): boolean {
  if (path === prefix) return true
  const withSep = prefix.endsWith(sep) ? prefix : prefix + sep
  return path.startsWith(withSep)
}

/** The worktree's real path (symlinks resolved) must sit under an allowed prefix. */
export function permissionGate(worktree: string, prefixes: string[]): GateResult {
  let real: string
  try {
    real = realpathSync(worktree)
  } catch (error) {
    return {
      gate: 'permission',
      passed: false,
      reason_code: 'outside_allowed_prefixes',
      details: {worktree, error: (error as NodeJS.ErrnoException).code ?? 'unresolvable'},
    }
  }
  const allowed = prefixes.map(canonical)
  const passed = allowed.some((p) => isUnder(real, p))
  return {
    gate: 'permission',
    passed,
    reason_code: passed ? null : 'outside_allowed_prefixes',
    details: {worktree, realpath: real, allowed_prefixes: allowed},
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}
