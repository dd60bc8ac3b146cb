import {Secret, type AuthResult, type JobSpec} from '@dx-runner/core'

/** The credentials the kit hands buildLaunch: values no real provider could produce, so any copy of them is a leak. */
export const SAMPLE_SECRETS: Readonly<Record<string, string>> = Object.freeze({
  CONFORMANCE_TOKEN: 'dxr-conformance-secret-5b7e1c',
  CONFORMANCE_SECOND_TOKEN: 'dxr-conformance-second-9d2a4f',
})

export const SAMPLE_MODEL = 'model-x'

export function sampleJob(): JobSpec {
  return {beads: 'bd-conformance', worktree: '/tmp/agents/bd-conformance/repo', promptFile: '/tmp/agents/bd-conformance/prompt.md', model: SAMPLE_MODEL, tmpDir: '/tmp/dx-runner/p/bd-conformance.tmp'}
}

export function sampleAuth(): AuthResult {
  return {
    source: 'CONFORMANCE',
    env: Object.fromEntries(Object.entries(SAMPLE_SECRETS).map(([k, v]) => [k, new Secret(v)])),
    plainEnv: {CONFORMANCE_URL: 'http://127.0.0.1:1'},
  }
}
