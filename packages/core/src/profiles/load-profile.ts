import {readFileSync} from 'node:fs'
import {extname} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import generated from './profile-validator.generated.js'
import {profileErrors, type ProfileSchemaError} from './profile-errors.js'
import type {LoadedProfile, Profile, ProfileOrigin} from './profile.js'

/** ajv's standalone validator: errors on the function after a failed call. */
const validateGenerated = generated as unknown as {(doc: unknown): boolean; errors?: ProfileSchemaError[] | null}

/** Errors as `<key path>: <problem>`, empty when the document is a valid profile (compiled ahead of time: no ajv at run time). */
export function validateProfile(doc: unknown): string[] {
  return validateGenerated(doc) ? [] : profileErrors(doc, validateGenerated.errors ?? [])
}

/** The extensions a profile file may have: YAML or JSON. */
export const PROFILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const

const fail = (file: string, why: string) => new DxError(`profile ${file}: ${why}`, {exitCode: ExitCode.general})
const firstLine = (s: string) => s.split('\n')[0].trim()

/** Read, parse (YAML or JSON by extension) and validate one profile file; any problem is one line naming the file, exit 1. */
export async function readProfile(file: string, name: string, origin: ProfileOrigin): Promise<LoadedProfile> {
  const ext = extname(file).toLowerCase()
  if (!(PROFILE_EXTENSIONS as readonly string[]).includes(ext)) throw fail(file, `expected a .yaml, .yml or .json file`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw fail(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`)
  }
  let doc: unknown
  if (ext === '.json') {
    try {
      doc = JSON.parse(text)
    } catch (error) {
      throw fail(file, `not valid JSON (${firstLine((error as Error).message)})`)
    }
  } else {
    // the YAML parser is loaded only when a YAML profile is read
    const {parse} = await import('yaml')
    try {
      doc = parse(text)
    } catch (error) {
      throw fail(file, `not valid YAML (${firstLine((error as Error).message)})`)
    }
  }
  const errors = validateProfile(doc)
  if (errors.length > 0) throw fail(file, errors.join('; '))
  return {name, origin, file, profile: doc as Profile}
}
