import {DxError} from '../errors.js'

/** Every health threshold is a setting with a default, never a constant buried in code. */
export interface Thresholds {
  /** No output yet within this window → launching. */
  firstOutputSec: number
  /** No progress for this long → stalled. */
  stallMinutes: number
  /** No progress and no mutation for this long → no_op. */
  noOpMinutes: number
  /** Agent gone, no rc yet: wait this long before calling it lost. */
  rcGraceSec: number
  /** CPU use (fraction of one core) that counts as progress between two observations. */
  cpuProgressRatio: number
  /** Re-count worktree mutations at most this often per job. */
  mutationIntervalSec: number
  /** The thresholds the observing command was given as flags: these win over the ones a job recorded at start (job-thresholds.ts). */
  fromFlags?: readonly ThresholdKey[]
}

export type ThresholdKey = Exclude<keyof Thresholds, 'fromFlags'>

export const DEFAULT_THRESHOLDS: Thresholds = {
  firstOutputSec: 60,
  stallMinutes: 20,
  noOpMinutes: 5,
  rcGraceSec: 10,
  cpuProgressRatio: 0.05,
  mutationIntervalSec: 5,
}

const ENV_NAMES: Record<ThresholdKey, string> = {
  firstOutputSec: 'DX_RUNNER_FIRST_OUTPUT_SECONDS',
  stallMinutes: 'DX_RUNNER_STALL_MINUTES',
  noOpMinutes: 'DX_RUNNER_NO_OP_MINUTES',
  rcGraceSec: 'DX_RUNNER_RC_GRACE_SECONDS',
  cpuProgressRatio: 'DX_RUNNER_CPU_PROGRESS_RATIO',
  mutationIntervalSec: 'DX_RUNNER_MUTATION_INTERVAL_SECONDS',
}

/** A non-negative number (fractions allowed: 0.05 minutes is 3 seconds). */
export function parseThreshold(name: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected a non-negative number (fractions allowed)`)
  }
  return n
}

/** Defaults, overridden by environment, overridden by explicit values (flags). */
export function resolveThresholds(env: NodeJS.ProcessEnv, explicit: Partial<Record<ThresholdKey, number>> = {}): Thresholds {
  const t: Thresholds = {...DEFAULT_THRESHOLDS}
  for (const key of Object.keys(ENV_NAMES) as ThresholdKey[]) {
    const raw = env[ENV_NAMES[key]]
    if (raw !== undefined && raw !== '') t[key] = parseThreshold(ENV_NAMES[key], raw)
    const v = explicit[key]
    if (v !== undefined) t[key] = v
  }
  const fromFlags = (Object.keys(ENV_NAMES) as ThresholdKey[]).filter((k) => explicit[k] !== undefined)
  if (fromFlags.length > 0) t.fromFlags = fromFlags
  return t
}
