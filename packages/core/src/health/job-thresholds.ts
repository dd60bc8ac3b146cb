import type {JobMeta} from '../store/job-meta.js'
import type {ThresholdKey, Thresholds} from './thresholds.js'

/** The recorded start settings that are health thresholds, and the thresholds they set. */
const RECORDED: readonly [setting: 'stall_minutes' | 'no_op_minutes' | 'first_output_seconds', key: ThresholdKey][] = [
  ['stall_minutes', 'stallMinutes'],
  ['no_op_minutes', 'noOpMinutes'],
  ['first_output_seconds', 'firstOutputSec'],
]

/**
 * The thresholds to judge one job by: the ones it was started with (a flag, env, profile or config
 * value recorded in its meta; a default is not pinned) over the observer's, unless the observer was
 * given that threshold as a flag. Pure.
 */
export function jobThresholds(observer: Thresholds, meta: Pick<JobMeta, 'settings' | 'settings_sources'> | undefined): Thresholds {
  if (!meta?.settings || !meta.settings_sources) return observer
  const out = {...observer}
  for (const [setting, key] of RECORDED) {
    const value = meta.settings[setting]
    const source = meta.settings_sources[setting]
    if (typeof value !== 'number' || source === undefined || source === 'default' || observer.fromFlags?.includes(key)) continue
    out[key] = value
  }
  return out
}
