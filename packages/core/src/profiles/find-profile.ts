import {existsSync, readdirSync} from 'node:fs'
import {basename, extname, join, resolve} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import {PROFILE_EXTENSIONS, readProfile} from './load-profile.js'
import type {LoadedProfile, ProfileOrigin} from './profile.js'

/** Where named profiles live: the user's (under the config directory) shadow the built-in ones of the same name. */
export interface ProfileDirs {
  user: string
  builtin: string
}

/** `--profile ./x.yaml`, `--profile team/fast`: a path (a `/` or a profile extension) names a file, anything else a profile. */
export function namesAFile(ref: string): boolean {
  return ref.includes('/') || (PROFILE_EXTENSIONS as readonly string[]).includes(extname(ref).toLowerCase())
}

/** Every file a profile name may be, in the order they are tried (user before built-in). Pure. */
export function profileCandidates(name: string, dirs: ProfileDirs): {file: string; origin: ProfileOrigin}[] {
  return [
    ...PROFILE_EXTENSIONS.map((ext) => ({file: join(dirs.user, `${name}${ext}`), origin: 'user' as const})),
    ...PROFILE_EXTENSIONS.map((ext) => ({file: join(dirs.builtin, `${name}${ext}`), origin: 'builtin' as const})),
  ]
}

/** The profile `ref` names (a name or a file); a missing one is exit 1 listing where it looked. */
export async function findProfile(ref: string, dirs: ProfileDirs, cwd: string): Promise<LoadedProfile> {
  if (namesAFile(ref)) {
    const file = resolve(cwd, ref)
    return readProfile(file, basename(file, extname(file)), 'file')
  }
  const candidates = profileCandidates(ref, dirs)
  const found = candidates.find((c) => existsSync(c.file))
  if (!found) {
    throw new DxError(`profile '${ref}' not found (looked for ${candidates.map((c) => c.file).join(', ')})`, {exitCode: ExitCode.general})
  }
  return readProfile(found.file, ref, found.origin)
}

/** The profiles a name can reach, user ones shadowing built-in ones; sorted by name. Unreadable directories list nothing. */
export function listProfiles(dirs: ProfileDirs): {name: string; origin: ProfileOrigin; file: string}[] {
  const byName = new Map<string, {name: string; origin: ProfileOrigin; file: string}>()
  for (const [dir, origin] of [[dirs.builtin, 'builtin'], [dirs.user, 'user']] as const) {
    let entries: string[] = []
    try {
      entries = readdirSync(dir).sort()
    } catch {}
    for (const f of entries) {
      const ext = extname(f).toLowerCase()
      if (!(PROFILE_EXTENSIONS as readonly string[]).includes(ext)) continue
      const name = basename(f, extname(f))
      // within a directory the first extension in PROFILE_EXTENSIONS order wins, as findProfile does
      const kept = byName.get(name)
      if (kept && kept.origin === origin && PROFILE_EXTENSIONS.indexOf(extname(kept.file) as never) <= PROFILE_EXTENSIONS.indexOf(ext as never)) continue
      byName.set(name, {name, origin, file: join(dir, f)})
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
}
