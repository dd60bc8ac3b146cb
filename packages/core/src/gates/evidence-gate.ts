import {execFile} from 'node:child_process'
import {DxError, ExitCode} from '../errors.js'
import {isJobActive} from '../process/job-active.js'
import type {JobMeta} from '../store/job-meta.js'
import type {JobPaths} from '../store/job-paths.js'
import {readSmallFile, writeJsonAtomic} from '../store/store.js'
import {parseClaims, type EvidenceKind} from './evidence-claims.js'
import {evidenceCommands, planEvidence, type EvidenceCommands} from './evidence-plan.js'
import {runVerification, verificationEnv, type CommandRun} from './evidence-run.js'
import type {GateResult} from './gate-result.js'
import {isDirectory} from './permission-gate.js'

/** A claim and what checking it found (README "Evidence gate"). */
export interface ClaimResult {
  text: string
  kind: EvidenceKind | null
  line: number
  /** verified: its command exited 0; refuted: it did not (or ran out of time); unverifiable: no command checks it */
  status: 'verified' | 'refuted' | 'unverifiable'
  command: string | null
  run: CommandRun | null
}

export interface EvidenceGateInput {
  paths: JobPaths
  meta: JobMeta
  signoffFile: string
  /** The config file's `evidence` section, used when the job recorded none. */
  configEvidence?: EvidenceCommands
  timeoutMs: number
  env: NodeJS.ProcessEnv
}

function gitHead(cwd: string): Promise<{head: string | null; dirty: boolean}> {
  const git = (args: string[]) =>
    new Promise<string | null>((resolve) => {
      execFile('git', args, {cwd, timeout: 30_000, encoding: 'utf8', env: {...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0'}}, (error, stdout) => resolve(error ? null : stdout))
    })
  return Promise.all([git(['rev-parse', '--verify', '-q', 'HEAD']), git(['status', '--porcelain', '--untracked-files=normal'])]).then(([h, s]) => ({
    head: h === null ? null : h.trim() || null,
    dirty: (s ?? '').trim() !== '',
  }))
}

/** The gate's verdict from its claim results: a refuted claim outweighs an unverifiable one. Pure. */
export function evidenceVerdict(claims: readonly ClaimResult[]): {passed: boolean; reason_code: 'signoff_missing' | 'claim_refuted' | 'unverified_claims' | null} {
  if (claims.length === 0) return {passed: false, reason_code: 'signoff_missing'}
  if (claims.some((c) => c.status === 'refuted')) return {passed: false, reason_code: 'claim_refuted'}
  if (claims.some((c) => c.status === 'unverifiable')) return {passed: false, reason_code: 'unverified_claims'}
  return {passed: true, reason_code: null}
}

/**
 * Check a finished job's sign-off: every claim's command re-run in the job's worktree as it is now
 * (its final commit, recorded as `head`), in a clean environment, bounded by `timeoutMs`. The result
 * is recorded in the job's `evidence-gate` artifact (report shows it) and returned.
 */
export async function evidenceGate(i: EvidenceGateInput): Promise<GateResult> {
  const {paths, meta} = i
  if (isJobActive(paths)) throw new DxError(`job ${meta.beads} is still running: its evidence is checked at its final commit, once it has ended`, {exitCode: ExitCode.alreadyActive})
  if (!isDirectory(meta.worktree)) throw new DxError(`job ${meta.beads}'s worktree ${meta.worktree} is gone: there is nothing to re-run its claims in`)
  const signoff = readSmallFile(i.signoffFile)
  if (signoff.kind === 'corrupt') throw new DxError(`--signoff-file ${i.signoffFile}: ${signoff.detail}`)
  const {commands, source} = evidenceCommands(meta.settings?.evidence, meta.settings_sources?.evidence, i.configEvidence)
  const {head, dirty} = await gitHead(meta.worktree)
  const base = {
    beads: meta.beads,
    provider: meta.provider,
    worktree: meta.worktree,
    head,
    dirty,
    signoff_file: i.signoffFile,
    commands_source: source,
    timeout_sec: i.timeoutMs / 1000,
    checked_at: new Date().toISOString(),
  }
  const text = signoff.kind === 'ok' ? signoff.value : ''
  const claims: ClaimResult[] = []
  let message: string | undefined
  if (text.trim() === '') message = signoff.kind === 'missing' ? 'the sign-off file does not exist' : 'the sign-off is empty'
  else {
    const env = verificationEnv(i.env)
    for (const step of planEvidence(parseClaims(text), commands)) {
      const run = step.command === null ? null : await runVerification(step.command, meta.worktree, env, i.timeoutMs)
      const status = run === null ? 'unverifiable' : run.exit_code === 0 && !run.timed_out ? 'verified' : 'refuted'
      for (const c of step.claims) claims.push({text: c.text, kind: c.kind, line: c.line, status, command: step.command, run})
    }
    if (claims.length === 0) message = 'the sign-off claims nothing the gate can check (no "tests pass", "lint clean", "build ok" or checked "- [x]" item)'
  }
  claims.sort((a, b) => a.line - b.line)
  const verdict = evidenceVerdict(claims)
  const result: GateResult = {gate: 'evidence', ...verdict, details: {...base, claims, ...(message ? {message} : {})}}
  writeJsonAtomic(paths.evidenceGate, result)
  return result
}
