import {ARTIFACTS, RESERVED_SUFFIX, type ArtifactKey, type JobPaths} from './job-paths.js'

/** What one attempt leaves besides its log (ARTIFACTS' perAttempt), and its reservations: dropped before the next attempt starts. */
export function attemptFiles(p: JobPaths): string[] {
  const keys = (Object.keys(ARTIFACTS) as ArtifactKey[]).filter((k) => ARTIFACTS[k].perAttempt)
  return [...keys.map((k) => p[k]), ...keys.map((k) => `${p[k]}${RESERVED_SUFFIX}`)]
}
