// The hover of an encoder–decoder (hoverProvider.ts decides when it shows): over a source line of its
// file, what the model writes for the source, greedy and the best beams with their scores (log P(y | x)
// and the length-normalised score that ranks the beams), and whether it matches the line's target.

import * as vscode from 'vscode';
import { documentName, Runs } from './runs';
import { escapeMarkdown } from './hoverText';

/** Beams shown under the greedy output. */
export const HOVER_BEAMS = 3;

/** Text in a Markdown table cell: code, its pipes and backticks escaped. */
function cell(text: string): string {
  return `\`${text.replace(/[|`]/g, '\\$&')}\``;
}

export async function seq2seqHover(
  runs: Runs,
  doc: vscode.TextDocument,
  line: number,
  token: vscode.CancellationToken,
): Promise<vscode.Hover | undefined> {
  const text = doc.lineAt(line).text;
  if (text.trim() === '' || text.startsWith('#')) return undefined;
  const [source, target] = text.split('\t');
  const r = await runs.infer(doc.uri, {
    kind: 'translate',
    sources: [source],
    targets: [target ?? null],
    beam: HOVER_BEAMS,
  });
  if (token.isCancellationRequested) return undefined;
  const [{ greedy, reference, beams }] = r.translations;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(
    `**SeqLab** ${escapeMarkdown(`${documentName(doc.uri)} — ${r.label}`)} writes for line ${line + 1}:`,
  );
  md.appendCodeblock(`${source} → ${greedy}`, 'text');
  if (reference !== null)
    md.appendMarkdown(
      greedy === reference ? '✓ the target, exactly\n\n' : `✗ the target is ${escapeMarkdown(reference)}\n\n`,
    );
  md.appendMarkdown(`| beam | output | log P | score |\n|---:|---|---:|---:|\n`);
  beams.forEach((b, i) =>
    md.appendMarkdown(
      `| ${i + 1} | ${cell(b.text)}${b.finished ? '' : ' (cut)'} | ${b.logProb.toFixed(3)} | ${b.score.toFixed(3)} |\n`,
    ),
  );
  md.appendMarkdown(`\n*greedy and ${HOVER_BEAMS} beams, ${r.millis.toFixed(0)} ms*`);
  return new vscode.Hover(md);
}
