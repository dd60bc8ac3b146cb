import {isAbsolute, join, resolve} from 'node:path'
import {DxError, ExitCode} from '../errors.js'

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
const BEADS_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/

/** Beads ids name files: check them before any file is touched. */
export function validateBeadsId(id: string | undefined): string {
  if (id === undefined || !BEADS_RE.test(id)) {
    const shown = id === undefined ? '' : JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)
    throw new DxError(`invalid --beads ${shown}: must be ${BEADS_RULE}`, {exitCode: ExitCode.general})
  }
  return id
}

export const PROVIDER_DIR_RE = /^[a-z0-9][a-z0-9-]{0,39}$/

export interface JobPaths {
  root: string
  dir: string
  beads: string
  provider: string
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
  watchdog: string
  cputime: string
  tmpDir: string
  lock: string
}

export function jobPaths(root: string, provider: string, beads: string): JobPaths {
  const dir = join(root, provider)
  const base = join(dir, beads)
  return {
    root,
    dir,
    beads,
    provider,
    pid: `${base}.pid`,
    monitorPid: `${base}.monitor.pid`,
    log: `${base}.log`,
    meta: `${base}.meta`,
    outcome: `${base}.outcome`,
    rc: `${base}.rc`,
    contract: `${base}.contract`,
    mutation: `${base}.mutation`,
    heartbeat: `${base}.heartbeat`,
    timeoutMarker: `${base}.timeout`,
    watchdog: `${base}.watchdog`,
    cputime: `${base}.cputime`,
    tmpDir: `${base}.tmp`,
    lock: join(root, '.locks', `${beads}.lock`),
  }
}

export function rotatedLog(paths: JobPaths, n: number): string {
  return `${paths.log}.${n}`
}
