import type {JobView} from '../health/decide-observation.js'
import {dispatchQueue} from '../queue/dispatch-queue.js'
import type {RoundProviders, WatchdogEntry} from './round.js'

/** Launch the queued jobs that have a slot, for every provider with one queued (README "Concurrency"); returns how many were launched. */
export async function handOnSlots(views: JobView[], root: string, providers: RoundProviders, env: NodeJS.ProcessEnv, emit: (e: WatchdogEntry) => void): Promise<number> {
  let launched = 0
  for (const provider of new Set(views.filter((v) => v.state === 'queued').map((v) => v.provider))) {
    try {
      for (const d of await dispatchQueue(root, provider, async () => providers.get(provider), env)) {
        if (d.action === 'launched') launched++
        emit({action: d.action === 'launched' ? 'launched_queued' : 'queued_launch_failed', beads: d.beads, provider: d.provider, ...(d.pid ? {pid: d.pid} : {}), ...(d.error ? {error: d.error} : {})})
      }
    } catch (error) {
      emit({action: 'failed', provider, state: 'queued', error: (error as Error).message.split('\n')[0]})
    }
  }
  return launched
}
