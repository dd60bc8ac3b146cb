import type {JobMeta} from '../store/job-meta.js'
import type {ThresholdKey, Thresholds} from './thresholds.js'

/** The recorded start settings that are health thresholds, and the thresholds they set. */
const RECORDED: readonly [setting: 'stall_minutes' | 'no_op_minutes' | 'first_output_seconds', key: ThresholdKey][] = [
  ['stall_minutes', 'stallMinutes'],
  ['no_op_minutes', 'noOpMinutes'],
  ['first_output_seconds', 'firstOutputSec'],
]

/** The sources a start was given a threshold by; config and default values are the observer's own (it reads the same config). */
const PINNED = new Set(['flag', 'env', 'profile'])

/**
 * The thresholds to judge one job by: the ones its start was given (flag, env or profile, recorded
 * in its meta) over the observer's, unless the observer was given that threshold as a flag. Pure.
 */
export function jobThresholds(observer: Thresholds, meta: Pick<JobMeta, 'settings' | 'settings_sources'> | undefined): Thresholds {
  if (!meta?.settings || !meta.settings_sources) return observer
  const out = {...observer}
  for (const [setting, key] of RECORDED) {
    const value = meta.settings[setting]
    const source = meta.settings_sources[setting]
    if (typeof value !== 'number' || !PINNED.has(source) || observer.fromFlags?.includes(key)) continue
    out[key] = value
  }
  return out
}
