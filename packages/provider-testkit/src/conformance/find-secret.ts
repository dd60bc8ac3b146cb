import {isSecret} from '@dx-runner/provider'

/** A place in a value, written as a reader would name it: `args[3]`, `env.FOO`, `files[0].content`. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)
  return parent ? (name.startsWith('"') ? `${parent}[${name}]` : `${parent}.${name}`) : name
}

/** The forms of a secret worth looking for: as is, and base64 (as in a Basic header or an encoded config). */
function secretForms(secret: string): {form: string; how: string}[] {
  return [
    {form: secret, how: ''},
    {form: Buffer.from(secret).toString('base64').replace(/=+$/, ''), how: ' (base64-encoded)'},
    {form: Buffer.from(secret).toString('base64url').replace(/=+$/, ''), how: ' (base64url-encoded)'},
  ]
}

/** Every field of `value` (strings, object keys included) holding `secret`, with how it was written. Secrets themselves are skipped. */
export function whereIsSecret(value: unknown, secret: string, path = ''): {field: string; how: string}[] {
  const found: {field: string; how: string}[] = []
  const visit = (v: unknown, at: string, seen: Set<unknown>) => {
    if (typeof v === 'string') {
      const hit = secretForms(secret).find((f) => v.includes(f.form))
      if (hit) found.push({field: at, how: hit.how})
      return
    }
    if (v === null || typeof v !== 'object' || isSecret(v) || seen.has(v)) return
    seen.add(v)
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, fieldPath(at, i), seen))
      return
    }
    for (const [k, x] of Object.entries(v)) {
      if (secretForms(secret).some((f) => k.includes(f.form))) found.push({field: at, how: ' (in a name)'})
      visit(x, fieldPath(at, k), seen)
    }
  }
  visit(value, path, new Set())
  return found
}

/** Secrets as their values, so two launch specs can be compared. */
export function revealed(value: unknown): unknown {
  if (isSecret(value)) return {secret: value.reveal()}
  if (Array.isArray(value)) return value.map(revealed)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v)]))
  return value
}

/** The first field where two plain values differ, e.g. `args[0]`, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object'
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return path || '(the whole value)'
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], fieldPath(path, Array.isArray(a) ? Number(k) : k))
    if (d !== undefined) return d
  }
  return undefined
}
