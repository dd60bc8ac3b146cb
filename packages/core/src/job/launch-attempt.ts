import {DxError, ExitCode} from '../errors.js'
import type {AuthResult, LaunchSpec, ProviderContext, ProviderV1} from '@dx-runner/provider'
import type {Heartbeat} from '../health/heartbeat.js'
import type {JobPaths} from '../store/job-paths.js'
import type {JobMeta} from '../store/job-meta.js'
import {launchSupervisor, supervisorEnv, type Launched} from '../process/launch-supervisor.js'
import {findExecutable} from '@dx-runner/provider-utils'
import {snapshotWorktree} from './mutations.js'
import {launchFileTarget, warnOnce, writeLaunchFiles, writeSecretFiles} from '@dx-runner/provider-utils'
import {ensureDir, writeJsonAtomic, readJsonFile} from '../store/store.js'
import type {MutationSnapshot} from './mutations.js'
import {noMutationDeadlineSec} from '../health/run-budgets.js'
import {handOffCredential} from '../queue/hand-off-credential.js'

export interface AttemptOptions {
  paths: JobPaths
  meta: JobMeta
  provider: ProviderV1
  auth: AuthResult
  env: NodeJS.ProcessEnv
  pty: boolean
  /** Keep the mutation baseline of the first attempt (restart) or take a new one (start). */
  keepSnapshot: boolean
  /** Registers the attempt (writes the meta); see SupervisorOptions.commit. */
  commit: () => void
  /** The plan checked before anything was touched (restart); made here when absent. */
  plan?: AttemptPlan
}

/** A launch that has been checked and can be carried out: the spec and the environment the agent inherits. */
export interface AttemptPlan {
  spec: LaunchSpec
  env: NodeJS.ProcessEnv
}

/** Resolve the provider's credential (exit 10/11 on failure) for a job about to launch; its warnings go to stderr. */
export async function resolveJobAuth(provider: ProviderV1, ctx: ProviderContext): Promise<AuthResult> {
  try {
    const auth = await provider.resolveAuth(ctx)
    for (const w of auth.warnings ?? []) warnOnce(w.detail)
    return auth
  } catch (error) {
    if (error && typeof error === 'object' && 'exitCode' in error) throw error
    throw new DxError(`${provider.name}: could not resolve credentials: ${(error as Error).message}`, {exitCode: ExitCode.authFailed})
  }
}

/**
 * Check an attempt without writing anything: the provider builds its launch, its files stay in the
 * job directory, its secrets are one line each, and the agent CLI (and script(1) for --pty) is on the
 * PATH the agent will have. What launchSupervisor would refuse after the old attempt is gone, refused first.
 */
export function planAttempt(o: Pick<AttemptOptions, 'paths' | 'meta' | 'provider' | 'auth' | 'env' | 'pty'>): AttemptPlan {
  const {paths, meta} = o
  const built = o.provider.buildLaunch(
    {beads: meta.beads, worktree: meta.worktree, promptFile: meta.prompt_file, model: meta.selected_model, tmpDir: paths.tmpDir},
    o.auth,
    meta.selected_model,
    {purpose: 'job'},
  )
  for (const f of [...(built.files ?? []), ...(built.secretFiles ?? [])]) launchFileTarget(paths.tmpDir, f.path, o.provider.name)
  const spec: LaunchSpec = {...built, env: {TMPDIR: paths.tmpDir, ...built.env}}
  const env = {...o.env, TMPDIR: paths.tmpDir}
  for (const [k, v] of Object.entries(spec.secretEnv)) {
    if (/[\n\r\0]/.test(v.reveal())) throw new DxError(`secret for ${k} contains a newline or NUL`, {exitCode: ExitCode.authFailed})
  }
  const path = supervisorEnv(spec, env).PATH
  if (!findExecutable(spec.command, path)) {
    throw new DxError(`agent command '${spec.command}' not found on PATH; run 'dx-runner preflight'`, {exitCode: ExitCode.preflightFailed})
  }
  if (o.pty && !findExecutable('script', path)) throw new DxError('--pty needs script(1) (util-linux) on PATH', {exitCode: ExitCode.preflightFailed})
  return {spec, env}
}

/** One attempt of a job: baseline snapshot, first heartbeat, then the detached supervisor. */
export async function launchAttempt(o: AttemptOptions): Promise<Launched> {
  const {paths, meta} = o
  const plan = o.plan ?? planAttempt(o)
  ensureDir(paths.tmpDir)
  const now = new Date()
  const prevSnap = readJsonFile<MutationSnapshot>(paths.mutation)
  if (!o.keepSnapshot || prevSnap.kind !== 'ok') {
    writeJsonAtomic(paths.mutation, await snapshotWorktree(meta.worktree, now))
  }
  const hb: Heartbeat = {
    attempt_started_at: now.toISOString(),
    observed_at: now.toISOString(),
    log_bytes: 0,
    cpu_ticks: 0,
    cpu_observed_at: now.toISOString(),
    mutation_count: prevSnap.kind === 'ok' && o.keepSnapshot ? (prevSnap.value.count ?? 0) : 0,
    tool_calls: 0,
    last_progress_at: now.toISOString(),
  }
  writeJsonAtomic(paths.heartbeat, hb)
  writeLaunchFiles(paths.tmpDir, plan.spec, o.provider.name)
  // the list first: a job that dies before its end still has its secret files named for cleanup
  if (plan.spec.secretFiles?.length) writeJsonAtomic(paths.secretFiles, plan.spec.secretFiles.map((f) => f.path))
  writeSecretFiles(paths.tmpDir, plan.spec, o.provider.name)
  return launchSupervisor({
    paths,
    spec: plan.spec,
    promptFile: meta.prompt_file,
    baseEnv: plan.env,
    timeoutSec: meta.timeout_sec ?? undefined,
    noMutationDeadlineSec: noMutationDeadlineSec(meta),
    pty: o.pty,
    commit: o.commit,
    handOffEnv: handOffCredential(o.auth, plan.env),
  })
}
