import type {ProviderV1} from '../provider/provider-v1.js'
import {acquireJobLock} from './job-lock.js'
import type {JobPaths} from './job-paths.js'
import type {JobMeta} from './job-meta.js'
import {launchAttempt, resolveJobAuth} from './launch-attempt.js'
import type {Launched} from './launch-supervisor.js'
import {validatePromptFile} from './prompt-file.js'
import {keepLogsFrom, rotateLogs} from './rotate-logs.js'
import {readMetaOrThrow, stopJobUnlocked} from './stop-job.js'
import {removeQuietly, writeJsonAtomic} from './store.js'
import {isJobActive} from './start-job.js'

export interface RestartResult {
  paths: JobPaths
  meta: JobMeta
  launched: Launched
  stopped_running: boolean
}

/** Same meta, logs rotated, retries + 1. Everything that can fail is checked before anything is touched. */
export async function restartJob(
  paths: JobPaths,
  provider: ProviderV1,
  opts: {env: NodeJS.ProcessEnv; keepLogs?: number; graceMs?: number; clearBlocked?: boolean; countRetry?: boolean},
): Promise<RestartResult> {
  const lock = acquireJobLock(paths.lock)
  try {
    const meta = readMetaOrThrow(paths)
    validatePromptFile(meta.prompt_file, '/')
    const auth = await resolveJobAuth(provider, {env: opts.env, cwd: meta.worktree, timeoutMs: 15_000})
    let stopped = false
    if (isJobActive(paths)) {
      await stopJobUnlocked(paths, meta, opts.graceMs ?? 10_000)
      stopped = true
    }
    rotateLogs(paths, opts.keepLogs ?? keepLogsFrom(opts.env))
    for (const f of [paths.rc, paths.outcome, paths.pid, paths.monitorPid, paths.heartbeat, paths.timeoutMarker, paths.cputime]) removeQuietly(f)
    const next: JobMeta = {...meta, retries: meta.retries + (opts.countRetry === false ? 0 : 1)}
    if (opts.clearBlocked !== false && next.blocked) next.blocked = null
    const launched = await launchAttempt({
      paths,
      meta: next,
      provider,
      auth,
      env: opts.env,
      pty: next.execution_mode === 'pty-detached',
      keepSnapshot: true,
      commit: () => writeJsonAtomic(paths.meta, next),
    })
    return {paths, meta: next, launched, stopped_running: stopped}
  } finally {
    lock.release()
  }
}
