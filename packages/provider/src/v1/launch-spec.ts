import type {Secret} from './secret.js'

/** How to start the agent. Built by the pure `buildLaunch`; core spawns it under the supervisor. */
export interface LaunchSpec {
  /** The agent CLI, found on PATH (after `unsetEnv` and `env` are applied). */
  command: string
  /** Arguments: never a secret, never the prompt (ps shows argv to every user). */
  args: string[]
  /**
   * Plain (non-secret) environment additions for the agent. The agent's environment is the caller's,
   * then `unsetEnv` removed, then `env` added (so `env` wins over `unsetEnv`), then `secretEnv`.
   */
  env: Record<string, string>
  /** Secret environment additions: passed to the supervisor through a pipe, never argv or a file. */
  secretEnv: Record<string, Secret>
  /** Inherited variables the agent must not see (e.g. a personal ANTHROPIC_API_KEY that would win over the token). */
  unsetEnv?: string[]
  /**
   * Non-secret files the agent needs (e.g. a CLI settings file), written 0600 before launch under the
   * job's private directory (paths relative to JobSpec.tmpDir, no '..', no absolute paths).
   */
  files?: {path: string; content: string}[]
  /**
   * Secret files the agent needs (a CLI whose login is a file, such as Codex's auth.json), written
   * 0600 under the job's private directory (paths relative to JobSpec.tmpDir) before launch and
   * removed when the job ends. Their content never reaches a log or the job's other artifacts.
   */
  secretFiles?: {path: string; content: Secret}[]
  /** 'prompt' feeds the prompt file on stdin; 'null' gives /dev/null. */
  stdin: 'prompt' | 'null'
  /** The agent's working directory: normally JobSpec.worktree. */
  cwd: string
}

/** What a launch is for: a job (the default), or the one tiny request of `dx-runner probe`. */
export interface LaunchOptions {
  purpose: 'job' | 'probe'
}
