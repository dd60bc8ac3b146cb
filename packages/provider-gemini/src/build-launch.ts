import type {AuthResult, JobSpec, LaunchSpec} from '@dx-runner/provider'

/** Gemini CLI reads its auth method from $HOME/.gemini/settings.json; the job gets a HOME of its own. */
export const GEMINI_SETTINGS = `${JSON.stringify({security: {auth: {selectedType: 'gemini-api-key'}}}, null, 2)}\n`

/** gemini headless: prompt on stdin (off argv), -m, stream-json, auto-approve. Pure. */
export function buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec {
  return {
    command: 'gemini',
    args: ['-m', model, '--yolo', '--output-format', 'stream-json'],
    env: {
      ...(auth.plainEnv ?? {}),
      HOME: `${job.tmpDir}/home`,
      TMPDIR: job.tmpDir,
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      NO_COLOR: '1',
    },
    secretEnv: {...auth.env},
    unsetEnv: ['GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT'],
    files: [{path: 'home/.gemini/settings.json', content: GEMINI_SETTINGS}],
    stdin: 'prompt',
    cwd: job.worktree,
  }
}
