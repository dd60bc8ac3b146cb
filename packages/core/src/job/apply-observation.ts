import {linkSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {decideObservation, withOutcome, type JobView, type ObservationAction, type ObservationFacts} from '../health/decide-observation.js'
import type {Thresholds} from '../health/thresholds.js'
import {isOutcomeRecord, type OutcomeRecord} from '../store/job-meta.js'
import {endJobProcesses} from '../process/job-processes.js'
import {readCpuTimes} from './observe-facts.js'
import {LOOK_ONLY} from './observers.js'
import {FILE_MODE, readJsonFile, readRcRecord, removeQuietly, writeJsonAtomic} from '../store/store.js'

/** Observers record what they learn when they can; a full or read-only root must not stop them answering. */
function persist(write: () => void): void {
  try {
    write()
  } catch {}
}

/** Create the outcome only if none exists: a stop's `killed` written meanwhile must win. */
function writeOutcomeOnce(path: string, record: OutcomeRecord): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, {mode: FILE_MODE, flag: 'wx'})
  try {
    linkSync(tmp, path)
  } catch {
    // already finalized by someone else
  } finally {
    removeQuietly(tmp)
  }
}

/** Carry out an observation's actions in order and return the view as it then reads. */
export async function applyObservation(f: ObservationFacts, view: JobView, actions: ObservationAction[], thresholds: Thresholds): Promise<JobView> {
  const {paths} = f
  for (const a of actions) {
    switch (a.do) {
      case 'record_mutations':
        persist(() => writeJsonAtomic(paths.mutation, a.snapshot))
        break
      case 'record_heartbeat':
        persist(() => writeJsonAtomic(paths.heartbeat, a.heartbeat))
        break
      case 'record_outcome': {
        persist(() => writeOutcomeOnce(paths.outcome, a.outcome))
        if (!a.adopt) break
        // whoever recorded first wins; the job reads as that outcome
        const onDisk = readJsonFile<OutcomeRecord>(paths.outcome)
        if (onDisk.kind === 'ok' && isOutcomeRecord(onDisk.value)) {
          view = decideObservation({...f, outcome: onDisk.value}, {thresholds, may: LOOK_ONLY}).view
        }
        break
      }
      case 'record_scope_violation':
        persist(() => writeJsonAtomic(paths.scopeViolation, a.record))
        break
      case 'end_refused_job': {
        await endJobProcesses(paths, 2000)
        const rc = readRcRecord(paths.rc)
        const outcome: OutcomeRecord = {...a.outcome, completed_at: new Date().toISOString(), exit_code: rc.kind === 'ok' ? rc.value.exit_code : null}
        persist(() => writeJsonAtomic(paths.outcome, outcome))
        view = withOutcome(view, f, outcome, undefined)
        break
      }
    }
  }
  // a live job this observation ended or recorded: its supervisor's CPU account is read now
  if (view.outcome && !f.cpuTimesRead) view = withOutcome(view, f, view.outcome, readCpuTimes(paths))
  return view
}
