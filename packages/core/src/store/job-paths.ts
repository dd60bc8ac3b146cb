import {isAbsolute, join, resolve} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import {PROVIDER_NAME_RE} from '@dx-runner/provider'

export const DEFAULT_ROOT = '/tmp/dx-runner'

/** The artifact root: $DX_RUNNER_HOME or /tmp/dx-runner, always absolute. */
export function artifactRoot(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.DX_RUNNER_HOME
  if (raw === undefined || raw === '') return DEFAULT_ROOT
  if (raw.includes('\0') || raw.includes('\n')) {
    throw new DxError('DX_RUNNER_HOME contains a NUL or newline; set it to a plain absolute directory path')
  }
  return isAbsolute(raw) ? resolve(raw) : resolve(process.cwd(), raw)
}

const BEADS_RULE = '1-64 characters of [A-Za-z0-9._-], not starting with "." or "-"'
export const BEADS_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/

/** Beads ids name files: check them before any file is touched. */
export function validateBeadsId(id: string | undefined): string {
  if (id === undefined || !BEADS_RE.test(id)) {
    const shown = id === undefined ? '' : JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)
    throw new DxError(`invalid --beads ${shown}: must be ${BEADS_RULE}`, {exitCode: ExitCode.general})
  }
  return id
}

/** A provider's directory under the root is named by the provider's name rule. */
export const PROVIDER_DIR_RE = PROVIDER_NAME_RE

/** Where a job's artifacts live: `dir` (a directory per job, README "Artifacts") or the legacy flat names. */
export interface JobPaths {
  root: string
  /** The job's directory (legacy layout: the provider directory). */
  dir: string
  /** `<root>/<provider>`. */
  providerDir: string
  beads: string
  provider: string
  layout: 'dir' | 'legacy'
  pid: string
  monitorPid: string
  log: string
  meta: string
  outcome: string
  rc: string
  contract: string
  mutation: string
  heartbeat: string
  timeoutMarker: string
  /** Written by the supervisor's budget check when the job changed nothing within its no-mutation budget. */
  noMutationMarker: string
  /** Written by the observer that ended the job for breaking its scope: the paths and budgets it broke. */
  scopeViolation: string
  watchdog: string
  cputime: string
  /** Set by `stop` before it signals: who is stopping the job (a symlink, so a full disk cannot refuse it). */
  stopping: string
  /** JSON list of the provider's secret files (relative to tmpDir), removed when the job ends. */
  secretFiles: string
  /** JSON list of the files that held a secret when the job ended (redacted since). */
  secretExposed: string
  /** The last evidence-gate's result (JSON): each claim of the sign-off and its re-run command. */
  evidenceGate: string
  tmpDir: string
  lock: string
}

/**
 * The one table of a job's artifacts (README "Artifacts"): each one's name inside the job's directory,
 * whether a new attempt (start of a finished id, restart) drops it, and whether its presence alone
 * makes a directory a job (a ghost without metadata, for prune). Paths, listing, pruning, migration
 * and the supervisor's file names all come from here.
 */
export const ARTIFACTS = {
  meta: {name: 'meta', perAttempt: false, evidence: true},
  pid: {name: 'pid', perAttempt: true, evidence: true},
  monitorPid: {name: 'monitor.pid', perAttempt: true, evidence: true},
  log: {name: 'log', perAttempt: false, evidence: true},
  outcome: {name: 'outcome', perAttempt: true, evidence: true},
  rc: {name: 'rc', perAttempt: true, evidence: true},
  contract: {name: 'contract', perAttempt: false, evidence: true},
  mutation: {name: 'mutation', perAttempt: false, evidence: true},
  heartbeat: {name: 'heartbeat', perAttempt: true, evidence: true},
  timeoutMarker: {name: 'timeout', perAttempt: true, evidence: false},
  noMutationMarker: {name: 'no-mutation-timeout', perAttempt: true, evidence: false},
  scopeViolation: {name: 'scope-violation', perAttempt: true, evidence: false},
  watchdog: {name: 'watchdog', perAttempt: false, evidence: false},
  cputime: {name: 'cputime', perAttempt: true, evidence: false},
  stopping: {name: 'stopping', perAttempt: true, evidence: false},
  secretFiles: {name: 'secret-files', perAttempt: true, evidence: false},
  secretExposed: {name: 'secret_exposed', perAttempt: true, evidence: false},
  // checks one attempt's work: a new attempt makes it stale
  evidenceGate: {name: 'evidence-gate', perAttempt: true, evidence: false},
  tmpDir: {name: 'tmp', perAttempt: false, evidence: false},
} as const

export type ArtifactKey = keyof typeof ARTIFACTS

/** Artifact key → its file name. */
export const ARTIFACT_NAMES = Object.fromEntries(Object.entries(ARTIFACTS).map(([k, a]) => [k, a.name])) as {[K in ArtifactKey]: (typeof ARTIFACTS)[K]['name']}

const ARTIFACT_KEYS = Object.keys(ARTIFACTS) as ArtifactKey[]

/** Files the supervisor writes aside (padded reservations, temp copies) before renaming them into place. */
export const RESERVED_SUFFIX = '.new'

/** Job locks live apart from every internal lock (the watchdog's), so no beads id can share one. */
export const jobLockPath = (root: string, beads: string): string => join(root, '.locks', 'jobs', `${beads}.lock`)
export const watchdogLockPath = (root: string): string => join(root, '.locks', 'watchdog.lock')

export function jobPaths(root: string, provider: string, beads: string): JobPaths {
  const providerDir = join(root, provider)
  const dir = join(providerDir, beads)
  // plain concatenation: status builds these for every job of the root
  const named = {} as Record<ArtifactKey, string>
  for (const k of ARTIFACT_KEYS) named[k] = `${dir}/${ARTIFACT_NAMES[k]}`
  return {root, dir, providerDir, beads, provider, layout: 'dir', ...named, lock: jobLockPath(root, beads)}
}

/** The flat layout of dx-runner before 0.2 (`<root>/<provider>/<beads>.<suffix>`), read until migrated. */
export function legacyJobPaths(root: string, provider: string, beads: string): JobPaths {
  const providerDir = join(root, provider)
  const base = join(providerDir, beads)
  const named = Object.fromEntries(Object.entries(ARTIFACT_NAMES).map(([k, name]) => [k, `${base}.${name}`])) as Record<ArtifactKey, string>
  return {root, dir: providerDir, providerDir, beads, provider, layout: 'legacy', ...named, lock: jobLockPath(root, beads)}
}

export function rotatedLog(paths: JobPaths, n: number): string {
  return `${paths.log}.${n}`
}
