import {existsSync, renameSync} from 'node:fs'
import type {JobPaths} from './job-paths.js'
import {removeQuietly} from './store.js'

/** .log → .log.1 → .log.2 …, keeping at most `keep` old logs. */
export function rotateLogs(paths: JobPaths, keep: number): void {
  if (!existsSync(paths.log)) return
  removeQuietly(`${paths.log}.${keep}`)
  for (let n = keep - 1; n >= 1; n--) {
    const from = `${paths.log}.${n}`
    if (existsSync(from)) renameSync(from, `${paths.log}.${n + 1}`)
  }
  renameSync(paths.log, `${paths.log}.1`)
}

/** Old logs kept per job: DX_RUNNER_KEEP_LOGS (the config file's log_retention.keep_logs), default 5. */
export function keepLogsFrom(env: NodeJS.ProcessEnv): number {
  const n = Number(env.DX_RUNNER_KEEP_LOGS)
  return Number.isInteger(n) && n >= 1 ? n : 5
}
