/** What a command produced: the document `--json` prints, the text a person reads, and its exit code. */
export interface Result<Doc> {
  doc: Doc
  /** the text printed without --json, each line ending in a newline */
  text: string
  /** the process exit code, when it is not 0 */
  exitCode?: number
}

/** The document as every --json output prints it: indented, one trailing newline. */
export function jsonText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}

/** The one way a result reaches stdout: its document with --json, else its text; then its exit code. */
export function emit(result: Result<unknown>, json: boolean): void {
  process.stdout.write(json ? jsonText(result.doc) : result.text)
  if (result.exitCode !== undefined) process.exitCode = result.exitCode
}

/** Lines of text, each ending in a newline (none for no lines). */
export const lines = (...ls: string[]): string => ls.map((l) => `${l}\n`).join('')
