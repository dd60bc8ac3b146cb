// Run by the supervisor when a job ends (README "Secrets"): `node redact-main.js <job dir> <secret env names…>`.
// The secret values come from this process's environment (the supervisor's), never from argv.
import {readFileSync, rmSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {redactSecretsUnder} from '../store/redact-secrets.js'
import {ARTIFACT_NAMES} from '../store/job-paths.js'
import {writeJsonAtomic} from '../store/store.js'

const [dir, ...names] = process.argv.slice(2)
if (dir) {
  // secret files a provider asked for (LaunchSpec.secretFiles) go first
  try {
    const tmp = join(dir, ARTIFACT_NAMES.tmpDir)
    for (const rel of JSON.parse(readFileSync(join(dir, ARTIFACT_NAMES.secretFiles), 'utf8')) as string[]) {
      const target = resolve(tmp, rel)
      if (target.startsWith(`${tmp}/`)) rmSync(target, {force: true})
    }
  } catch {}
  const values = names.map((n) => process.env[n]).filter((v): v is string => typeof v === 'string')
  const exposed = redactSecretsUnder(dir, values)
  if (exposed.length > 0) writeJsonAtomic(join(dir, ARTIFACT_NAMES.secretExposed), {files: exposed})
}
