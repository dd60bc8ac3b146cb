import {randomBytes} from 'node:crypto'
import {rmdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {
  artifactRoot, baselineGate, checkDailyCost, DxError, ensureDir, ExitCode, startJob, stdinPromptDir, validateBeadsId, writeFileAtomic,
  type GateResult, type LoadedProfile, type ProviderV1, type Settings, type StartResult,
} from '@dx-runner/core'
import {getConfig} from './config.js'
import {checkProfileProvider, startSettings} from './start-settings.js'
import type {LoadedProviders} from './providers.js'
import {launchDoc, queuedDoc} from './views.js'
import {activity} from './activity.js'
import {printable} from './printable.js'
import {emit, lines} from './output.js'
import {resolveConcurrency} from './concurrency.js'
import {waitNotice} from './wait-notice.js'

export interface StartFlags {
  beads: string
  provider?: string
  'prompt-file': string
  'fallback-provider'?: string
  'fallback-model'?: string
  worktree?: string
  repo?: string
  model?: string
  pty?: boolean
  'required-baseline'?: string
  'feature-key'?: string
  timeout?: string
  'no-mutation-timeout'?: string
  'first-mutation-grace'?: string
  'max-cost-usd'?: string
  'max-tokens'?: string
  profile?: string
  'max-parallel'?: string
  'queue-timeout'?: string
  queue?: boolean
  json?: boolean
}

/** Exit codes after which the next provider may take the job: its credentials or its preflight failed. */
const FALL_THROUGH = new Set<number>([ExitCode.authFailed, ExitCode.tokenFile, ExitCode.preflightFailed])

function whyNot(error: DxError): string {
  if (error.reasonCode) return error.reasonCode
  return error.exitCode === ExitCode.preflightFailed ? 'preflight_failed' : 'provider_auth_failed'
}

/** `start` (shared by the oclif command and the fast path). Returns a diagnostic line for --verbose. */
export async function runStart(flags: StartFlags, providers: () => Promise<LoadedProviders>): Promise<string> {
  if (flags['prompt-file'] !== '-') return runStartWith(flags, providers)
  // `--prompt-file -`: the prompt arrives on stdin (how `start --host` ships it: never on a command line).
  // It is kept under <root>/.prompts so `restart` can re-send it; prune removes it with the job.
  validateBeadsId(flags.beads)
  const text = await readStdinPrompt()
  const dir = stdinPromptDir(artifactRoot())
  ensureDir(dir)
  const file = join(dir, `${flags.beads}-${randomBytes(6).toString('hex')}.prompt`)
  writeFileAtomic(file, text)
  try {
    return await runStartWith({...flags, 'prompt-file': file}, providers)
  } catch (error) {
    // a refused start leaves nothing behind: not the prompt, not an empty .prompts directory
    rmSync(file, {force: true})
    try {
      rmdirSync(dir)
    } catch {}
    throw error
  }
}

/** The largest prompt `--prompt-file -` takes (and `start --host` sends). */
export const MAX_STDIN_PROMPT = 4 * 1024 * 1024

async function readStdinPrompt(): Promise<string> {
  if (process.stdin.isTTY) throw new DxError('--prompt-file - reads the prompt from stdin; pipe it in (stdin is a terminal)')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_STDIN_PROMPT) throw new DxError(`the prompt on stdin is larger than ${MAX_STDIN_PROMPT} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new DxError('the prompt on stdin is empty (--prompt-file -)')
  return text
}

async function runStartWith(flags: StartFlags, providers: () => Promise<LoadedProviders>): Promise<string> {
  const config = getConfig()
  const {profile, settings, sources} = await startSettings(flags, process.env, process.cwd())
  const primary = settings.provider
  if (!primary) throw new DxError('missing --provider (or set default_provider in the config file, or use a --profile that names one)', {exitCode: ExitCode.general})
  checkProfilePolicy(flags, profile, settings)
  // the profile's jobs of today already cost its daily cap: refused before anything is written
  checkDailyCost(artifactRoot(), profile?.name, settings.daily_cost_usd, Date.now())
  const loaded = await providers()
  checkProfileProvider(profile, (n) => loaded.find(n) !== undefined, () => [...loaded.registry.providers.keys()].sort())
  const chain = [primary, ...settings.fallback_providers].map((n) => loaded.get(n))
  const required = flags['required-baseline']
  const minutesToSec = (m: number | null) => (m === null ? undefined : Math.round(m * 60_000) / 1000)
  const timeoutSec = minutesToSec(settings.max_runtime_minutes)
  const noMutationTimeoutSec = minutesToSec(settings.no_mutation_timeout_minutes)
  const notice = waitNotice()
  // start's preflight on a terminal: a spinner naming it (lib/activity.ts); nothing when piped
  let shown: {done(): void} | undefined
  const progress = (doing: string | null) => {
    shown?.done()
    shown = doing === null ? undefined : activity(doing)
  }
  const startWith = (provider: ProviderV1, fallbackReason: string | undefined) =>
    startJob({
      root: artifactRoot(),
      beads: flags.beads,
      provider,
      fallbackReason,
      promptFile: flags['prompt-file'],
      worktree: flags.worktree,
      repo: flags.repo,
      model: provider.name === primary ? (settings.model ?? undefined) : undefined,
      fallbackModels: provider.name === primary ? (sources.fallback_models === 'default' ? undefined : settings.fallback_models) : config.fallback_models?.[provider.name],
      pty: flags.pty ?? false,
      requiredBaseline: required,
      featureKey: flags['feature-key'],
      timeoutSec,
      env: process.env,
      cwd: process.cwd(),
      gates: required ? async (wt): Promise<GateResult[]> => [await baselineGate(wt, required)] : undefined,
      preflightPolicy: {strict: settings.preflight_strict, checks: settings.preflight_checks},
      onPreflightWarning: (c) => process.stderr.write(`dx-runner: warning: preflight check ${printable(c.name)} failed, allowed by the profile (warn): ${printable(c.detail)}\n`),
      profile: profile ? {name: profile.name, file: profile.file} : null,
      settings,
      settingsSources: sources,
      ...(noMutationTimeoutSec !== undefined ? {noMutationTimeoutSec} : {}),
      ...(settings.first_mutation_grace_seconds !== null ? {firstMutationGraceSec: settings.first_mutation_grace_seconds} : {}),
      ...(settings.max_cost_usd !== null ? {maxCostUsd: settings.max_cost_usd} : {}),
      ...(settings.max_tokens !== null ? {maxTokens: settings.max_tokens} : {}),
      // the primary's limit comes with its settings (profile included); a fallback provider's from flag, env or config
      concurrency: provider.name === primary ? {maxParallel: settings.max_parallel, queueTimeoutSec: settings.queue_timeout_sec, queue: flags.queue === true} : resolveConcurrency(provider.name, flags, process.env),
      onWait: notice.say,
      onProgress: progress,
    }).finally(() => {
      notice.done()
      progress(null)
    })

  const failures: string[] = []
  let last: DxError | undefined
  for (const provider of chain) {
    try {
      return finish(await startWith(provider, failures.length > 0 ? failures.join('; ') : undefined), flags)
    } catch (error) {
      // only a provider that cannot serve hands the job on; bad input, gates and races stop here
      if (!DxError.isInstance(error) || !FALL_THROUGH.has(error.exitCode)) throw error
      failures.push(`${provider.name}: ${whyNot(error)}`)
      last = error
    }
  }
  if (chain.length === 1 || !last) throw last ?? new DxError('no provider could take the job')
  throw new DxError(`no provider could take the job (${failures.join('; ')}); last: ${last.message}`, {exitCode: last.exitCode, reasonCode: last.reasonCode})
}

function finish(r: StartResult, flags: StartFlags): string {
  if (!r.launched) {
    const doc = queuedDoc(r.meta, r.paths, r.queued?.position ?? null)
    emit({doc, text: lines(printable(`queued ${doc.beads} provider=${doc.provider} position=${doc.queue_position} max_parallel=${r.meta.queue?.max_parallel} log=${doc.log_file}`))}, flags.json === true)
    return `preflight ${r.preflight.checks.map((c) => `${c.name}=${c.status}`).join(' ')}; queued at ${doc.queue_position}`
  }
  const doc = launchDoc(r.meta, r.paths, r.launched, r.meta.created_at)
  emit({doc, text: lines(printable(`started ${doc.beads} provider=${doc.provider} pid=${doc.pid} model=${doc.selected_model}${doc.fallback_reason === 'none' ? '' : ` fallback="${doc.fallback_reason}"`} log=${doc.log_file}`))}, flags.json === true)
  return `preflight ${r.preflight.checks.map((c) => `${c.name}=${c.status}`).join(' ')}; supervisor ${r.launched.monitor.pid}, agent ${r.launched.agent.pid}`
}

/** What the profile forbids: another --model when it pins the model, a start without a gate it requires. Exit 1, nothing launched. */
function checkProfilePolicy(flags: StartFlags, profile: LoadedProfile | undefined, settings: Settings): void {
  if (!profile) return
  const pinned = profile.profile.provider?.model
  if (settings.allow_model_override === false && flags.model !== undefined && flags.model !== pinned) {
    throw new DxError(`profile ${profile.file}: provider.allow_model_override is false: --model ${flags.model} is not allowed${pinned ? ` (the profile's model is ${pinned})` : ''}`, {exitCode: ExitCode.general})
  }
  if (settings.gates_baseline === 'required' && !flags['required-baseline']) {
    throw new DxError(`profile ${profile.file}: gates.baseline is required: give --required-baseline <commit>`, {exitCode: ExitCode.general})
  }
  if (settings.gates_feature_key === 'required' && !flags['feature-key']) {
    throw new DxError(`profile ${profile.file}: gates.feature_key is required: give --feature-key <key>`, {exitCode: ExitCode.general})
  }
}
