/**
 * JSON with comments (`//`, `/* *\/`) and trailing commas, as opencode accepts in opencode.json[c].
 * Comments and the commas before `}`/`]` are blanked outside strings, then JSON.parse judges the rest.
 * Pure; throws a SyntaxError on anything else.
 */
export function parseJsonc(text: string): unknown {
  let out = ''
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c === '"') {
      const start = i
      i++
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      i++
      out += text.slice(start, i)
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new SyntaxError('unterminated /* comment')
      i = end + 2
      out += ' '
    } else if (c === ',') {
      let j = i + 1
      // a comma followed (past blanks and comments) by a closing bracket is dropped
      for (;;) {
        while (j < n && /\s/.test(text[j])) j++
        if (text.startsWith('//', j)) while (j < n && text[j] !== '\n') j++
        else if (text.startsWith('/*', j)) j = text.indexOf('*/', j + 2) < 0 ? n : text.indexOf('*/', j + 2) + 2
        else break
      }
      if (text[j] !== '}' && text[j] !== ']') out += c
      i++
    } else {
      out += c
      i++
    }
  }
  return JSON.parse(out.replace(/^\uFEFF/, ''))
}
