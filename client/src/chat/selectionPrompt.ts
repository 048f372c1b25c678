/**
 * The prompt "Ask About Selection" puts in the input box: where the code comes from (file, lines,
 * language) and the code in a fence the code itself cannot close. Pure: no `vscode` import.
 */

export interface SelectedCode {
  /** The file's path relative to the workspace (or its name when outside one). */
  file: string;
  /** VS Code's language id, e.g. `typescript`. */
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  code: string;
}

export function selectionPrompt({ file, languageId, startLine, endLine, code }: SelectedCode): string {
  const lines = startLine === endLine ? `line ${startLine}` : `lines ${startLine}–${endLine}`;
  // A fence longer than any run of backticks in the code, so the code cannot end the block early.
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const body = code.endsWith('\n') ? code : `${code}\n`;
  return `About \`${file}\` (${lines}, ${languageId}):\n\n${fence}${languageId}\n${body}${fence}\n\n`;
}
