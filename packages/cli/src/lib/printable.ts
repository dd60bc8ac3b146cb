/**
 * Control characters (C0, DEL, C1), line/paragraph separators and bidi overrides, which would move
 * the cursor, recolour or retitle a terminal, break a table row or reorder what the reader sees.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const SHORT: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

/** Agent-supplied text made safe for human output: each control character shown as an escape (\n, \u001b). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A markdown table cell: printable, backslashes and `|` escaped so the row keeps its columns (a trailing backslash cannot eat a `|`). */
export function markdownCell(text: string): string {
  return printable(text).replaceAll('\\', '\\\\').replaceAll('|', '\\|')
}
