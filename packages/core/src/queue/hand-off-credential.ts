import type {AuthResult} from '@dx-runner/provider'

/**
 * The credential the queue's hand-off needs to launch the provider's next queued jobs: when the key
 * came from an environment variable, that variable (the supervisor keeps it from the agent and hands
 * it to the hand-off over a pipe; README "Concurrency"). A file or op:// source needs nothing. Pure.
 */
export function handOffCredential(auth: Pick<AuthResult, 'source'>, env: NodeJS.ProcessEnv): Record<string, string> {
  const name = auth.source
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return {}
  const value = env[name]
  return value ? {[name]: value} : {}
}
