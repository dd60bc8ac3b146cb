import {artifactRoot, checkExitCode, findJob, listJobs, queuePositions, validateBeadsId, type JobView, type Thresholds} from '@dx-runner/core'
import {observeAll} from './observe.js'
import type {LoadedProviders} from './providers.js'
import {checkDoc, statusRow, statusTable, type CheckDoc, type StatusRow} from './views.js'
import {printable} from './printable.js'
import type {Result} from './output.js'

export interface StatusOptions {
  beads?: string
  provider?: string
}

/** `providers(names)` may load only the named providers (the fast path does); oclif's loader ignores the hint. */
export type ProvidersFor = (names?: string[]) => Promise<LoadedProviders>

/** The rows of `status` (shared by the oclif command and the fast path). */
export async function statusRows(opts: StatusOptions, providers: ProvidersFor, thresholds: Thresholds): Promise<StatusRow[]> {
  if (opts.beads !== undefined) validateBeadsId(opts.beads)
  const jobs = listJobs(artifactRoot()).filter(
    (j) => (opts.beads === undefined || j.beads === opts.beads) && (opts.provider === undefined || j.provider === opts.provider),
  )
  // --provider names an installed provider or one with jobs in the root (installed later, README "provider_not_installed"); else exit 20 like start
  if (jobs.length === 0 && opts.provider !== undefined) (await providers()).get(opts.provider)
  const views = jobs.length > 0 ? await observeAll('status', jobs, await providers([...new Set(jobs.map((j) => j.provider))]), thresholds) : []
  return withQueuePositions(views).map(([v, position]) => ({...statusRow(v), ...(position === undefined ? {} : {queue_position: position})}))
}

/** Each view with its place in its provider's line when it is queued (the line is read once per provider). */
function withQueuePositions(views: JobView[]): [JobView, number | undefined][] {
  const queued = views.filter((v) => v.state === 'queued')
  const positions = queued.length > 0 ? queuePositions(artifactRoot(), queued.map((v) => v.provider)) : new Map<string, number>()
  return views.map((v) => [v, v.state === 'queued' ? positions.get(`${v.provider}/${v.beads}`) : undefined])
}

export interface StatusDoc {
  generated_at: string
  jobs: StatusRow[]
}

/** `status`: the rows as a document and as a table. */
export function statusResult(rows: StatusRow[]): Result<StatusDoc> {
  return {doc: {generated_at: new Date().toISOString(), jobs: rows}, text: rows.length === 0 ? 'no jobs\n' : statusTable(rows)}
}

/** `check`: one job's health; its exit code says the state. */
export async function runCheck(beadsRaw: string, providers: ProvidersFor, thresholds: Thresholds): Promise<Result<CheckDoc>> {
  const beads = validateBeadsId(beadsRaw)
  const paths = findJob(artifactRoot(), beads)
  const now = new Date()
  let doc: CheckDoc
  if (!paths) {
    doc = {beads, provider: '-', pid: '-', state: 'missing', reason_code: 'no_metadata', elapsed: '0s', log_bytes: 0, mutation_count: 0, retry_count: 0, outcome: '-', exit_code: '-', checked_at: now.toISOString()}
  } else {
    const [view] = await observeAll('check', [paths], await providers([paths.provider]), thresholds, {freshMutations: true})
    const [[, position]] = withQueuePositions([view])
    doc = {...checkDoc(view, now), ...(position === undefined ? {} : {queue_position: position})}
  }
  const text = `${printable(`${doc.beads} ${doc.state} ${doc.reason_code}`)}${doc.exit_code === '-' ? '' : ` rc=${doc.exit_code}`}\n`
  return {doc, text, exitCode: checkExitCode(doc.state as Parameters<typeof checkExitCode>[0])}
}
