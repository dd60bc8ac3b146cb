import {DEFAULT_SETTINGS, DxError, ExitCode, maxParallelEnv, type Concurrency} from '@dx-runner/core'
import {getConfig} from './config.js'

/** How long a blocking `start` waits for a slot when nothing says otherwise (README "Concurrency"). */
export const DEFAULT_QUEUE_TIMEOUT_SEC = DEFAULT_SETTINGS.queue_timeout_sec

function count(what: string, raw: string, min: number): number {
  const n = Number(raw.trim())
  if (raw.trim() === '' || !Number.isFinite(n) || (min >= 1 && !Number.isInteger(n)) || n < min) {
    throw new DxError(`invalid ${what}: ${JSON.stringify(raw)} (expected ${min >= 1 ? `a whole number >= ${min}` : 'a number of seconds >= 0'})`, {exitCode: ExitCode.general})
  }
  return n
}

type ConcurrencyConfig = {max_parallel?: Record<string, number>; queue_timeout_sec?: number}

/**
 * A start's concurrency settings, each from the first that sets it: flag, environment, config file,
 * default (no limit; 300 s). For a fallback provider: the primary's come from the settings resolver (start-settings.ts), profile included.
 */
export function resolveConcurrency(
  provider: string,
  flags: {'max-parallel'?: string; 'queue-timeout'?: string; queue?: boolean},
  env: NodeJS.ProcessEnv,
  config: ConcurrencyConfig = getConfig() as ConcurrencyConfig,
): Concurrency {
  const envMax = env[maxParallelEnv(provider)]
  const maxParallel =
    flags['max-parallel'] !== undefined ? count('--max-parallel', flags['max-parallel'], 1)
    : envMax !== undefined && envMax !== '' ? count(maxParallelEnv(provider), envMax, 1)
    : config.max_parallel?.[provider] !== undefined ? count(`max_parallel.${provider}`, String(config.max_parallel[provider]), 1)
    : null
  const envWait = env.DX_RUNNER_QUEUE_TIMEOUT_SEC
  const queueTimeoutSec =
    flags['queue-timeout'] !== undefined ? count('--queue-timeout', flags['queue-timeout'], 0)
    : envWait !== undefined && envWait !== '' ? count('DX_RUNNER_QUEUE_TIMEOUT_SEC', envWait, 0)
    : config.queue_timeout_sec !== undefined ? count('queue_timeout_sec', String(config.queue_timeout_sec), 0)
    : DEFAULT_QUEUE_TIMEOUT_SEC
  return {maxParallel, queueTimeoutSec, queue: flags.queue === true}
}
