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
    v = ajvInstance.compile(loadSchema(name))
    compiled.set(name, v)
  }
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
}
