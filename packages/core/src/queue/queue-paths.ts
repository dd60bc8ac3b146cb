import {join} from 'node:path'
import {acquireJobLock, type JobLock} from '../store/job-lock.js'

/** The provider's slot lock: held from counting its live jobs through a launch's commit, so no two starts take the last slot. */
export const providerLockPath = (root: string, provider: string): string => join(root, '.locks', 'providers', `${provider}.lock`)

export function acquireProviderLock(root: string, provider: string): JobLock {
  return acquireJobLock(providerLockPath(root, provider))
}

/** The provider's waiting line (README "Artifacts"): one entry per blocking `start` waiting for a slot. */
export const queueDir = (root: string, provider: string): string => join(root, '.queue', provider)

/** Present while the provider has queued jobs: the supervisor starts the hand-off only then (no node start per ended job otherwise). */
export const queuedMarker = (root: string, provider: string): string => join(queueDir(root, provider), 'queued')

/** A waiter's entry: `<seq, 16 digits>-<beads>`, so a listing sorts in arrival order. */
export const waiterEntryName = (seq: number, beads: string): string => `${String(seq).padStart(16, '0')}-${beads}`

export const WAITER_ENTRY_RE = /^(\d{16})-(.+)$/
