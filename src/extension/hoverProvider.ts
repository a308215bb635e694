// The inline hover: over a file with a trained model, what the model would write next at the
// cursor (sampled with the text before it as primer) and its top-5 next tokens.

import * as vscode from 'vscode';
import { HoverResult } from '../protocol';
import { Runs } from './runs';
import { setting } from './settings';

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly runs: Runs) {}

  async provideHover(
    doc: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    // Only the settings the hover uses are read (and checked): a bad training setting never breaks it.
    if (!setting('hoverEnabled') || !this.runs.store.hasModel(doc.uri)) return undefined;
    const primerLength = setting('hoverPrimerLength'),
      length = setting('hoverLength');
    const r = await continuationAt(this.runs, doc, position, primerLength, length, setting('temperature'));
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**SeqLab** ${r.label} — would continue:\n\n`);
    md.appendCodeblock(r.continuation, 'text');
    md.appendMarkdown('\n| next | p |\n|---|---:|\n');
    for (const t of r.top)
      md.appendMarkdown(
        `| \`${JSON.stringify(t.token).slice(1, -1).replace(/[|`]/g, '\\$&')}\` | ${(t.p * 100).toFixed(1)}% |\n`,
      );
    md.appendMarkdown(`\n*${r.millis.toFixed(0)} ms*`);
    return new vscode.Hover(md);
  }
}

/** The model's continuation at a position, primed with up to primerLength characters before it. */
export function continuationAt(
  runs: Runs,
  doc: vscode.TextDocument,
  position: vscode.Position,
  primerLength: number,
  length: number,
  temperature: number,
): Promise<HoverResult> {
  const end = doc.offsetAt(position);
  const prime = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, end - primerLength)), position));
  return runs.infer(doc.uri, { kind: 'hover', prime, length, topK: 5, temperature });
}
