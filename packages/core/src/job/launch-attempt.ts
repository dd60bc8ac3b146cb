import {DxError, ExitCode} from '../errors.js'
import type {AuthResult, LaunchSpec, ProviderContext, ProviderV1} from '../provider/provider-v1.js'
import type {Heartbeat} from '../health/heartbeat.js'
import type {JobPaths} from './job-paths.js'
import type {JobMeta} from './job-meta.js'
import {launchSupervisor, type Launched} from './launch-supervisor.js'
import {snapshotWorktree} from './mutations.js'
import {warnOnce} from '../provider/warn-once.js'
import {ensureDir, writeFileAtomic, writeJsonAtomic, readJsonFile} from './store.js'
import {dirname, isAbsolute, resolve} from 'node:path'
import type {MutationSnapshot} from './mutations.js'

export interface AttemptOptions {
  paths: JobPaths
  meta: JobMeta
  provider: ProviderV1
  auth: AuthResult
  env: NodeJS.ProcessEnv
  pty: boolean
  /** Keep the mutation baseline of the first attempt (restart) or take a new one (start). */
  keepSnapshot: boolean
  /** Registers the attempt (writes the meta); see LaunchOptions.commit. */
  commit: () => void
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

/** Write a launch spec's files into `dir` (0600); a path that would leave `dir` is refused. */
export function writeLaunchFiles(dir: string, spec: Pick<LaunchSpec, 'files'>, providerName: string): void {
  for (const f of spec.files ?? []) {
    const target = resolve(dir, f.path)
    if (isAbsolute(f.path) || !target.startsWith(`${dir}/`)) {
      throw new DxError(`${providerName}: launch file ${JSON.stringify(f.path)} would leave the job directory`)
    }
    ensureDir(dirname(target))
    writeFileAtomic(target, f.content)
  }
}

/** One attempt of a job: baseline snapshot, first heartbeat, then the detached supervisor. */
export async function launchAttempt(o: AttemptOptions): Promise<Launched> {
  const {paths, meta} = o
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
  const spec = o.provider.buildLaunch(
    {beads: meta.beads, worktree: meta.worktree, promptFile: meta.prompt_file, model: meta.selected_model, tmpDir: paths.tmpDir},
    o.auth,
    meta.selected_model,
  )
  writeLaunchFiles(paths.tmpDir, spec, o.provider.name)
  const env = {...o.env, TMPDIR: paths.tmpDir}
  return launchSupervisor({
    paths,
    spec: {...spec, env: {TMPDIR: paths.tmpDir, ...spec.env}},
    promptFile: meta.prompt_file,
    baseEnv: env,
    timeoutSec: meta.timeout_sec ?? undefined,
    pty: o.pty,
    commit: o.commit,
  })
}
