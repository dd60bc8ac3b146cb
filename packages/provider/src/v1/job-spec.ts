/** Everything about a job a provider needs to build its launch. */
export interface JobSpec {
  /** The job's id (--beads). */
  beads: string
  /** Absolute, permission-gated worktree: the agent's cwd. */
  worktree: string
  /** Absolute path of the prompt file (readable, non-empty, regular). */
  promptFile: string
  /** The selected model. */
  model: string
  /** The job's private directory (0700, inside the artifact root) for TMPDIR, HOME and CLI debris. */
  tmpDir: string
}
