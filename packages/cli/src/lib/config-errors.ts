import {PATTERN_MEANING} from './config-schema.js'

/** The part of an ajv error the config messages need. */
export interface SchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

/** A value's problems, most telling first: a value gets one line (a wrong type says nothing else). */
const VALUE_KEYWORDS = ['type', 'minLength', 'pattern', 'minimum']

const article = (type: string) => (type === 'object' ? 'an object' : type === 'array' ? 'an array' : `a ${type}`)
const shown = (v: unknown) => (Array.isArray(v) ? 'an array' : v !== null && typeof v === 'object' ? 'an object' : JSON.stringify(v))

/**
 * ajv's errors as the lines users read, `<key path>: <problem>` (`hosts.a.ssh: required`,
 * `allowed_prefixes[1]: must not be empty`), in the order the keys stand in the file.
 */
export function configErrors(doc: unknown, errors: readonly SchemaError[]): string[] {
  const order = documentOrder(doc)
  const best = new Map<string, SchemaError>()
  const lines: {rank: number; line: string}[] = []
  for (const e of errors) {
    if (VALUE_KEYWORDS.includes(e.keyword)) {
      const kept = best.get(e.instancePath)
      if (!kept || VALUE_KEYWORDS.indexOf(e.keyword) < VALUE_KEYWORDS.indexOf(kept.keyword)) best.set(e.instancePath, e)
      continue
    }
    const key = String(e.params.missingProperty ?? e.params.additionalProperty)
    const at = keyPath(doc, e.instancePath)
    const path = at ? `${at}.${key}` : key
    if (e.keyword === 'required') lines.push({rank: order.get(e.instancePath) ?? 0, line: `${path}: required`})
    else if (e.keyword === 'additionalProperties') lines.push({rank: order.get(`${e.instancePath}/${escape(key)}`) ?? 0, line: `${path}: unknown key`})
    else lines.push({rank: order.get(e.instancePath) ?? 0, line: `${at || '(top level)'}: ${e.keyword} ${JSON.stringify(e.params)}`})
  }
  for (const e of best.values()) {
    const where = keyPath(doc, e.instancePath) || '(top level)'
    const v = valueAt(doc, e.instancePath)
    const problem =
      e.keyword === 'type' ? `expected ${article(String(e.params.type))}, got ${shown(v)}`
      : e.keyword === 'minLength' ? 'must not be empty'
      : e.keyword === 'pattern' ? `${PATTERN_MEANING[String(e.params.pattern)] ?? `must match ${String(e.params.pattern)}`}, got ${JSON.stringify(v)}`
      : `must be at least ${String(e.params.limit)}, got ${String(v)}`
    lines.push({rank: order.get(e.instancePath) ?? 0, line: `${where}: ${problem}`})
  }
  return lines.sort((a, b) => a.rank - b.rank).map((l) => l.line)
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')
const segments = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')))

/** Each JSON pointer in the document, numbered in reading order (a key before what it holds). */
function documentOrder(doc: unknown): Map<string, number> {
  const order = new Map<string, number>()
  const visit = (v: unknown, pointer: string) => {
    order.set(pointer, order.size)
    if (v !== null && typeof v === 'object') for (const [k, child] of Object.entries(v)) visit(child, `${pointer}/${escape(k)}`)
  }
  visit(doc, '')
  return order
}

function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc
  for (const s of segments(pointer)) v = (v as Record<string, unknown>)[s]
  return v
}

/** `hosts.a.ssh`, `allowed_prefixes[1]`: array items in brackets, keys after dots. */
function keyPath(doc: unknown, pointer: string): string {
  let v = doc
  let out = ''
  for (const s of segments(pointer)) {
    out = Array.isArray(v) ? `${out}[${s}]` : out ? `${out}.${s}` : s
    v = (v as Record<string, unknown>)[s]
  }
  return out
}
