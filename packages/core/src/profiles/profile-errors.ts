/** The part of an ajv error a profile's error line needs. */
export interface ProfileSchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string
}

const segments = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')))

/** `timeouts.stall_minutes`, `provider.fallback_models[1]`: array items in brackets, keys after dots. */
function keyPath(doc: unknown, pointer: string): string {
  let v = doc
  let out = ''
  for (const s of segments(pointer)) {
    out = Array.isArray(v) ? `${out}[${s}]` : out ? `${out}.${s}` : s
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined
  }
  return out
}

/** ajv's errors as `<key path>: <problem>` (`timeouts.stall_minutes: must be number`, `scope.budget: unknown key`). Pure. */
export function profileErrors(doc: unknown, errors: readonly ProfileSchemaError[]): string[] {
  const out: string[] = []
  for (const e of errors) {
    const at = keyPath(doc, e.instancePath)
    if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty)
      out.push(`${at ? `${at}.${key}` : key}: unknown key`)
    } else if (e.keyword === 'enum') {
      out.push(`${at || '(top level)'}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`)
    } else {
      out.push(`${at || '(top level)'}: ${e.message ?? e.keyword}`)
    }
  }
  return [...new Set(out)]
}
