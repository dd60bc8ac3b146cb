import {SCHEMAS} from './documents.js'

export type SchemaName = keyof typeof SCHEMAS
/** Every published schema, from the one table of documents. */
export const SCHEMA_NAMES = Object.keys(SCHEMAS) as SchemaName[]

/** The JSON Schema of a document (also written to schemas/<name>.schema.json by `npm run build`). */
export function loadSchema(name: SchemaName): object {
  return SCHEMAS[name]
}

type Validator = ((doc: unknown) => boolean) & {errors?: {instancePath: string; message?: string}[] | null}
const compiled = new Map<SchemaName, Validator>()
let ajvInstance: {compile(schema: object): Validator} | undefined
let ajv2020Instance: {compile(schema: object): Validator} | undefined

/** Validate a document against its schema; returns readable errors (empty when valid). ajv is loaded on first use. */
export async function validateDocument(name: SchemaName, doc: unknown): Promise<string[]> {
  if (!ajvInstance) {
    const {default: Ajv} = (await import('ajv')) as unknown as {default: new (o: object) => {compile(s: object): Validator}}
    const {default: addFormats} = (await import('ajv-formats')) as unknown as {default: (a: unknown) => void}
    ajvInstance = new Ajv({allErrors: true, strict: true})
    addFormats(ajvInstance)
  }
  let v = compiled.get(name)
  if (!v) {
    const schema = loadSchema(name) as {$schema?: string}
    // the profile file's schema is draft 2020-12 (as the config's); the documents are draft-07
    if (schema.$schema?.includes('2020-12') && !ajv2020Instance) {
      const {default: Ajv2020} = (await import('ajv/dist/2020.js')) as unknown as {default: new (o: object) => {compile(s: object): Validator}}
      ajv2020Instance = new Ajv2020({allErrors: true, strict: true})
    }
    v = (schema.$schema?.includes('2020-12') ? ajv2020Instance! : ajvInstance).compile(schema)
    compiled.set(name, v)
  }
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
}
