import {realpathSync, statSync} from 'node:fs'
import {DxError, ExitCode} from '../errors.js'
import type {AuthResult, ProviderV1} from '@dx-runner/provider'
import {acquireJobLock} from '../store/job-lock.js'
import type {JobPaths} from '../store/job-paths.js'
import type {JobMeta} from '../store/job-meta.js'
import {launchAttempt, planAttempt, resolveJobAuth, type AttemptPlan} from './launch-attempt.js'
import type {Launched} from '../process/launch-supervisor.js'
import {relaunchEnv} from './launch-settings.js'
import {validatePromptFile} from '../store/prompt-file.js'
import {keepLogsFrom, rotateLogs} from '../store/rotate-logs.js'
import {readMetaOrThrow, stopJobUnlocked} from './stop-job.js'
import {removeQuietly, writeJsonAtomic} from '../store/store.js'
import {isJobActive} from '../process/job-active.js'
import {jobProcesses} from '../process/job-processes.js'
import {attemptFiles} from '../store/attempt-files.js'
import {migrateLegacyJobLocked} from '../store/migrate-layout.js'
import {queuedRecord} from '../queue/queued-job.js'

export interface RestartResult {
  paths: JobPaths
  meta: JobMeta
  launched: Launched
  stopped_running: boolean
}

export interface RestartOptions {
  /** The caller's environment; the job's recorded launch settings are put back over it. */
  env: NodeJS.ProcessEnv
  keepLogs?: number
  graceMs?: number
  clearBlocked?: boolean
  countRetry?: boolean
}

/** The worktree is still the directory the job was started in (start recorded its real path). */
function checkWorktree(worktree: string): void {
  let real: string
  try {
    if (!statSync(worktree).isDirectory()) throw new DxError(`worktree ${worktree} is no longer a directory`)
    real = realpathSync(worktree)
  } catch (error) {
    if (DxError.isInstance(error)) throw error
    throw new DxError(`worktree ${worktree} no longer exists`)
  }
  if (real !== worktree) throw new DxError(`worktree ${worktree} now resolves to ${real}`)
}

/** Everything a relaunch needs, checked while nothing has been touched; a refusal says so in one line, with its own exit code. */
export async function checkRelaunch(paths: JobPaths, meta: JobMeta, provider: ProviderV1, callerEnv: NodeJS.ProcessEnv): Promise<{auth: AuthResult; plan: AttemptPlan}> {
  try {
    validatePromptFile(meta.prompt_file, '/')
    checkWorktree(meta.worktree)
    const env = relaunchEnv(provider, callerEnv, meta.launch)
    const pinned = typeof meta.launch?.auth_source === 'string' ? {authSource: meta.launch.auth_source} : {}
    const auth = await resolveJobAuth(provider, {env, cwd: meta.worktree, timeoutMs: 15_000, ...pinned})
    const plan = planAttempt({paths, meta, provider, auth, env, pty: meta.execution_mode === 'pty-detached'})
    return {auth, plan}
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    const code = DxError.isInstance(error) ? error.exitCode : ExitCode.general
    throw new DxError(`cannot restart ${paths.beads}: ${why}; nothing was changed`, {exitCode: code, reasonCode: DxError.isInstance(error) ? error.reasonCode : undefined})
  }
}

/**
 * Same meta, logs rotated, retries + 1, launched with the settings the job started with. Everything
 * that can fail is checked before anything is touched: a refused restart leaves every artifact as it was.
 * The caller holds the job's lock.
 */
export async function restartJobUnlocked(paths: JobPaths, provider: ProviderV1, opts: RestartOptions): Promise<RestartResult> {
  const meta = readMetaOrThrow(paths)
  // a queued job launches once, when its turn comes: never also from here
  if (queuedRecord(paths, meta)) throw new DxError(`job ${paths.beads} is queued for a slot of ${paths.provider}; it starts when its turn comes (stop it to remove it)`, {exitCode: ExitCode.alreadyActive})
  const {auth, plan} = await checkRelaunch(paths, meta, provider, opts.env)
  let stopped = false
  // anything of the job still running (its agent, or what an earlier attempt left behind) ends first: never two agents for one id
  if (isJobActive(paths) || jobProcesses(paths).pids.length > 0) {
    await stopJobUnlocked(paths, meta, opts.graceMs ?? 10_000)
    stopped = true
  }
  // a job of the flat layout moves into its directory now that nothing of it runs
  if (paths.layout === 'legacy') paths = migrateLegacyJobLocked(paths)
  rotateLogs(paths, opts.keepLogs ?? keepLogsFrom(opts.env))
  for (const f of attemptFiles(paths)) removeQuietly(f)
  const next: JobMeta = {...meta, retries: meta.retries + (opts.countRetry === false ? 0 : 1)}
  if (opts.clearBlocked !== false && next.blocked) next.blocked = null
  const launched = await launchAttempt({
    paths,
    meta: next,
    provider,
    auth,
    env: plan.env,
    plan,
    pty: next.execution_mode === 'pty-detached',
    keepSnapshot: true,
    commit: () => writeJsonAtomic(paths.meta, next),
  })
  return {paths, meta: next, launched, stopped_running: stopped}
}

/** restartJobUnlocked under the job's lock. */
export async function restartJob(paths: JobPaths, provider: ProviderV1, opts: RestartOptions): Promise<RestartResult> {
  const lock = acquireJobLock(paths.lock)
  try {
    return await restartJobUnlocked(paths, provider, opts)
  } finally {
    lock.release()
  }
}
