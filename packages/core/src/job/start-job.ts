import {existsSync, realpathSync, rmSync} from 'node:fs'
import {resolve} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import type {PreflightCheck, PreflightReport, ProviderContext, ProviderV1} from '@dx-runner/provider'
import {judgePreflight, type PreflightPolicy} from '../profiles/preflight-policy.js'
import type {Settings, SettingsSources} from '../profiles/settings.js'
import {allowedPrefixes, isDirectory, isUnder, permissionGate} from '../gates/permission-gate.js'
import type {GateResult} from '../gates/gate-result.js'
import {acquireJobLock} from '../store/job-lock.js'
import {jobPaths, validateBeadsId, type JobPaths} from '../store/job-paths.js'
import type {JobContract, JobMeta} from '../store/job-meta.js'
import {findJob} from '../store/list-jobs.js'
import {isJobActive} from '../process/job-active.js'
import {endJobProcesses} from '../process/job-processes.js'
import {launchAttempt, resolveJobAuth} from './launch-attempt.js'
import type {Launched} from '../process/launch-supervisor.js'
import {removeStdinPrompt, validatePromptFile} from '../store/prompt-file.js'
import {ensureDir, readJsonFile, removeDirIfEmpty, removeIfEmpty, removeQuietly, writeJsonAtomic} from '../store/store.js'
import {attemptFiles} from '../store/attempt-files.js'
import {keepLogsFrom, rotateLogs} from '../store/rotate-logs.js'
import {faultPoint} from '../process/fault-point.js'
import {cachedPreflight} from './preflight-cache.js'
import {recordLaunch} from './launch-settings.js'
import {takeSlot, type Concurrency, type Slot} from '../queue/take-slot.js'
import {dispatchUnderLock} from '../queue/dispatch-queue.js'
import {queuedRecord} from '../queue/queued-job.js'
import {markQueued} from '../queue/waiting-line.js'

export interface StartRequest {
  root: string
  beads: string | undefined
  provider: ProviderV1
  promptFile: string | undefined
  worktree?: string
  repo?: string
  model?: string
  pty?: boolean
  requiredBaseline?: string
  featureKey?: string
  timeoutSec?: number
  /** Run budget: end the job if it has changed nothing in its worktree this long after it started (README "Run budgets"). */
  noMutationTimeoutSec?: number
  /** Run budget: seconds that delay the no-mutation judgement. */
  firstMutationGraceSec?: number
  /** Run budget: end the job once the cost the agent reports passes this many USD (README "Run budgets"). */
  maxCostUsd?: number
  /** Run budget: end the job once the tokens the agent reports (input + output) pass this many. */
  maxTokens?: number
  env: NodeJS.ProcessEnv
  cwd: string
  extraPrefixes?: string[]
  /** Run before anything is written, after the permission gate (e.g. the baseline gate). */
  gates?: (worktree: string) => Promise<GateResult[]>
  /** Seconds a passing preflight stays valid for later starts. */
  preflightTtlSec?: number
  /** Logs kept per job when a finished id is started again. */
  keepLogs?: number
  /** Why this provider and not the one asked for (cross-provider fallback); overrides the model selection's. */
  fallbackReason?: string
  /** Models to try when the requested one is unavailable (passed to the provider's model policy). */
  fallbackModels?: string[]
  /** Per check error|warn, and strict (warnings fail): how the preflight's verdict is judged (profiles/preflight-policy.ts). */
  preflightPolicy?: PreflightPolicy
  /** Called once per check a `warn` policy let through (the CLI prints it on stderr). */
  onPreflightWarning?: (check: PreflightCheck) => void
  /** The profile the start used, and every resolved setting with its source: recorded in meta. */
  profile?: {name: string; file: string | null} | null
  settings?: Settings
  settingsSources?: SettingsSources
  /** The provider's max_parallel, how long to wait for a slot, and --queue (README "Concurrency"); no limit when absent. */
  concurrency?: Concurrency
  /** Told once when the start waits for a slot (the CLI prints it on stderr). */
  onWait?: (line: string) => void
  /** Told what a long step is doing, then null when it ends (the CLI shows a spinner on a terminal). */
  onProgress?: (doing: string | null) => void
}

export interface StartResult {
  paths: JobPaths
  meta: JobMeta
  /** Absent when the job was queued instead. */
  launched?: Launched
  preflight: PreflightReport
  /** start --queue into a full provider: the job waits in line at this place (1 = next). */
  queued?: {position: number; seq: number}
}

export {isJobActive}

function resolveWorktree(raw: string | undefined, cwd: string, prefixes: string[]): string {
  const given = raw ?? cwd
  if (given === '' || given.includes('\0') || given.includes('\n')) throw new DxError('invalid --worktree: empty, or contains a NUL or newline')
  const abs = resolve(cwd, given)
  if (!existsSync(abs)) {
    // A path that cannot exist inside the prefixes is a permission matter; otherwise just absent.
    if (!prefixes.some((p) => isUnder(abs, p))) {
      throw new DxError(`worktree ${abs} is outside the allowed prefixes (${prefixes.join(', ')})`, {exitCode: ExitCode.permissionDenied, reasonCode: 'outside_allowed_prefixes'})
    }
    throw new DxError(`worktree ${abs} does not exist`)
  }
  const gate = permissionGate(abs, prefixes)
  if (!gate.passed) {
    const real = (gate.details.realpath as string | undefined) ?? abs
    throw new DxError(`worktree ${real} is outside the allowed prefixes (${prefixes.join(', ')}); set DX_RUNNER_ALLOWED_PREFIXES to allow it`, {
      exitCode: ExitCode.permissionDenied,
      reasonCode: 'outside_allowed_prefixes',
    })
  }
  if (!isDirectory(abs)) throw new DxError(`worktree ${abs} is not a directory`)
  return realpathSync(abs)
}

/** The run budgets a caller gave are positive durations (README "Run budgets"). */
function checkBudgets(req: Pick<StartRequest, 'noMutationTimeoutSec' | 'firstMutationGraceSec'>): void {
  if (req.noMutationTimeoutSec !== undefined && !(req.noMutationTimeoutSec > 0)) throw new DxError('invalid --no-mutation-timeout: expected a positive duration such as 90s, 30m or 2h')
  if (req.firstMutationGraceSec !== undefined && !(req.firstMutationGraceSec >= 0)) throw new DxError('invalid --first-mutation-grace: expected a duration such as 0s, 90s, 30m or 2h')
}

/** Validate, gate, preflight, register and launch. Nothing is written before every check passed. */
export async function startJob(req: StartRequest): Promise<StartResult> {
  const beads = validateBeadsId(req.beads)
  const promptFile = validatePromptFile(req.promptFile, req.cwd)
  const prefixes = allowedPrefixes(req.env, req.extraPrefixes)
  const worktree = resolveWorktree(req.worktree, req.cwd, prefixes)
  if (req.timeoutSec !== undefined && !(req.timeoutSec > 0)) throw new DxError('invalid --timeout: expected a positive duration such as 90s, 30m or 2h')
  checkBudgets(req)
  for (const g of (await req.gates?.(worktree)) ?? []) {
    if (!g.passed) {
      throw new DxError(`${g.gate} gate failed: ${g.reason_code}${g.details.message ? ` (${String(g.details.message)})` : ''}`, {
        exitCode: ExitCode.gateFailed,
        reasonCode: g.reason_code ?? undefined,
      })
    }
  }
  const ctx: ProviderContext = {env: req.env, cwd: worktree, timeoutMs: 15_000, ...(req.fallbackModels?.length ? {fallbackModels: req.fallbackModels} : {})}
  const auth = await resolveJobAuth(req.provider, ctx)
  req.onProgress?.(`preflight ${req.provider.name}`)
  const preflight = await cachedPreflight(req.root, req.provider, ctx, req.preflightTtlSec ?? 300, auth, req.model).finally(() => req.onProgress?.(null))
  const verdict = judgePreflight(preflight, req.preflightPolicy)
  if (verdict.failures.length > 0) {
    const failed = verdict.failures.map((c) => `${c.name}: ${c.detail}`)
    const why = preflight.reason_code ? ` (${preflight.reason_code})` : ''
    throw new DxError(`preflight failed for ${req.provider.name}${why}: ${failed.join('; ') || 'see dx-runner preflight'}`, {
      // a refused credential is an auth failure whichever check found it
      exitCode: preflight.reason_code === 'provider_auth_failed' ? ExitCode.authFailed : ExitCode.preflightFailed,
      reasonCode: preflight.reason_code,
    })
  }
  if (verdict.strictFailures.length > 0) {
    const named = verdict.strictFailures.map((c) => `${c.name}: ${c.detail}`).join('; ')
    throw new DxError(`preflight strict for ${req.provider.name}: warnings are failures: ${named}`, {exitCode: ExitCode.preflightFailed})
  }
  for (const c of verdict.downgraded) req.onPreflightWarning?.(c)
  const selection = await req.provider.selectModel(ctx, req.model)
  // a provider at its limit: wait for a slot or take a place in line (everything above is checked first, nothing is written yet)
  const limit = req.concurrency?.maxParallel
  // queued jobs ahead that may go are launched first (with their own recorded settings), so this start never overtakes them
  const launchAhead = () => dispatchUnderLock(req.root, req.provider.name, async () => req.provider, req.env)
  const slot = limit ? await takeSlot(req.root, req.provider.name, beads, {...req.concurrency!, maxParallel: limit}, req.onWait ?? (() => {}), launchAhead) : undefined
  try {
    return await registerAndLaunch(req, {beads, promptFile, worktree, auth, preflight, selection, slot})
  } finally {
    slot?.lock.release()
  }
}

/** Under the job's lock (inside the provider's when it has a limit): replace a finished job of the id, then launch, or record the job as queued. */
async function registerAndLaunch(
  req: StartRequest,
  s: {beads: string; promptFile: string; worktree: string; auth: Awaited<ReturnType<typeof resolveJobAuth>>; preflight: PreflightReport; selection: Awaited<ReturnType<ProviderV1['selectModel']>>; slot: Slot | undefined},
): Promise<StartResult> {
  const {beads, promptFile, worktree, auth, preflight, selection, slot} = s
  const paths = jobPaths(req.root, req.provider.name, beads)
  ensureDir(req.root)
  ensureDir(paths.dir)
  const lock = acquireJobLock(paths.lock)
  faultPoint('after-lock')
  try {
    const existing = findJob(req.root, beads)
    for (const p of new Set([existing, paths].filter((x): x is JobPaths => x !== undefined))) {
      if (isJobActive(p) || queuedRecord(p)) {
        throw new DxError(`job ${beads} is already active (${p.provider}); stop it first or pick another --beads`, {exitCode: ExitCode.alreadyActive})
      }
    }
    // what an earlier attempt left behind (marked processes a killed supervisor could not end) goes first
    if (existing) await endJobProcesses(existing, 2000)
    // A finished job of the same id is replaced: keep its logs, drop its state.
    for (const p of new Set([existing, paths].filter((x): x is JobPaths => x !== undefined))) {
      rotateLogs(p, req.keepLogs ?? keepLogsFrom(req.env))
      for (const f of attemptFiles(p)) removeQuietly(f)
      for (const f of [p.mutation, p.contract, p.watchdog]) removeQuietly(f)
      // a prompt the old job took over stdin goes with it (unless this start re-uses that very file)
      removeStdinPrompt(req.root, readJsonFile<{prompt_file?: unknown}>(p.meta), promptFile)
      // the new meta is the commit point of this start: no old one may stand in for it
      removeQuietly(p.meta)
    }
    const meta: JobMeta = {
      schema_version: 1,
      beads,
      provider: req.provider.name,
      worktree,
      repo: req.repo ?? null,
      prompt_file: promptFile,
      model: req.model ?? null,
      selected_model: selection.selected_model,
      fallback_reason: req.fallbackReason ?? selection.fallback_reason,
      execution_mode: req.pty ? 'pty-detached' : 'detached',
      retries: 0,
      created_at: new Date().toISOString(),
      timeout_sec: req.timeoutSec ?? null,
      no_mutation_timeout_sec: req.noMutationTimeoutSec ?? null,
      first_mutation_grace_sec: req.firstMutationGraceSec ?? null,
      max_cost_usd: req.maxCostUsd ?? null,
      max_tokens: req.maxTokens ?? null,
      blocked: null,
      launch: recordLaunch(req.provider, req.env, auth),
      ...(req.settings ? {profile: req.profile ?? null, settings: req.settings, settings_sources: req.settingsSources} : {}),
    }
    const contract: JobContract = {
      worktree,
      required_baseline: req.requiredBaseline ?? null,
      feature_key: req.featureKey ?? null,
      timeout_sec: req.timeoutSec ?? null,
    }
    if (slot?.kind === 'queue') {
      // recorded, not launched: the hand-off launches it with these very settings when its turn comes
      meta.queue = {max_parallel: slot.maxParallel, queued_at: meta.created_at, seq: slot.seq}
      writeJsonAtomic(paths.contract, contract)
      writeJsonAtomic(paths.meta, meta)
      markQueued(req.root, req.provider.name)
      return {paths, meta, preflight, queued: {position: slot.position, seq: slot.seq}}
    }
    let launched: Launched
    try {
      writeJsonAtomic(paths.contract, contract)
      launched = await launchAttempt({
        paths,
        meta,
        provider: req.provider,
        auth,
        env: req.env,
        pty: req.pty ?? false,
        keepSnapshot: false,
        commit: () => {
          writeJsonAtomic(paths.meta, meta)
          faultPoint('after-meta')
        },
      })
    } catch (error) {
      // The supervisor launched nothing (or ended what it launched): leave no half-registered job behind.
      for (const f of [paths.meta, paths.contract, paths.mutation, paths.heartbeat, ...attemptFiles(paths)]) removeQuietly(f)
      if (paths.layout === 'dir') removeIfEmpty(paths.log)
      rmSync(paths.tmpDir, {recursive: true, force: true})
      removeDirIfEmpty(paths.dir)
      throw error
    }
    return {paths, meta, launched, preflight}
  } finally {
    lock.release()
  }
}
