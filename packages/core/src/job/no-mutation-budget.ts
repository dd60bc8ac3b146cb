import {join} from 'node:path'
import {ARTIFACT_NAMES} from '../store/job-paths.js'
import {isJobMeta, type JobMeta} from '../store/job-meta.js'
import {readJsonFile} from '../store/store.js'
import type {Heartbeat} from '../health/heartbeat.js'
import {countMutations, type MutationSnapshot} from './mutations.js'

/**
 * Has the job in `dir` changed nothing in its worktree since its baseline (the `mutation` snapshot)?
 * What counts is what the job's mutation count counts (git status against the dirty set at start, plus
 * commits since), and any count an observer already recorded. Anything unreadable answers false: a
 * budget never ends a job it cannot judge.
 */
export async function unchangedSinceBaseline(dir: string): Promise<boolean> {
  const meta = readJsonFile<JobMeta>(join(dir, ARTIFACT_NAMES.meta))
  const snap = readJsonFile<MutationSnapshot>(join(dir, ARTIFACT_NAMES.mutation))
  if (meta.kind !== 'ok' || !isJobMeta(meta.value) || snap.kind !== 'ok' || typeof snap.value.started_at !== 'string') return false
  const hb = readJsonFile<Heartbeat>(join(dir, ARTIFACT_NAMES.heartbeat))
  if ((snap.value.count ?? 0) > 0 || (hb.kind === 'ok' && (hb.value.mutation_count ?? 0) > 0)) return false
  return (await countMutations(meta.value.worktree, snap.value, -1)) === 0
}
