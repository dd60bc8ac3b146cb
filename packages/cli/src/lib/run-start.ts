import {artifactRoot, baselineGate, parseDuration, startJob, type GateResult} from '@dx-runner/core'
import type {LoadedProviders} from './providers.js'
import {launchDoc} from './views.js'

export interface StartFlags {
  beads: string
  provider: string
  'prompt-file': string
  worktree?: string
  repo?: string
  model?: string
  pty?: boolean
  'required-baseline'?: string
  'feature-key'?: string
  timeout?: string
  json?: boolean
}

/** `start` (shared by the oclif command and the fast path). Returns a diagnostic line for --verbose. */
export async function runStart(flags: StartFlags, providers: () => Promise<LoadedProviders>): Promise<string> {
  const timeoutSec = flags.timeout === undefined ? undefined : parseDuration('--timeout', flags.timeout)
  const provider = (await providers()).get(flags.provider)
  const required = flags['required-baseline']
  const r = await startJob({
    root: artifactRoot(),
    beads: flags.beads,
    provider,
    promptFile: flags['prompt-file'],
    worktree: flags.worktree,
    repo: flags.repo,
    model: flags.model,
    pty: flags.pty ?? false,
    requiredBaseline: required,
    featureKey: flags['feature-key'],
    timeoutSec,
    env: process.env,
    cwd: process.cwd(),
    gates: required ? async (wt): Promise<GateResult[]> => [await baselineGate(wt, required)] : undefined,
  })
  const doc = launchDoc(r.meta, r.paths, r.launched, r.meta.created_at)
  if (flags.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
  else process.stdout.write(`started ${doc.beads} provider=${doc.provider} pid=${doc.pid} model=${doc.selected_model} log=${doc.log_file}\n`)
  return `preflight ${r.preflight.checks.map((c) => `${c.name}=${c.status}`).join(' ')}; supervisor ${r.launched.monitor.pid}, agent ${r.launched.agent.pid}`
}
