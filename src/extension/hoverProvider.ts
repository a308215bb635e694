// The inline hover: over a file with a trained language model, what the model would write next at
// the cursor (sampled with the text before it as primer) and its top-5 next tokens. It shows the end
// of the primer and a ▸ where the model takes over, and names the model (file — cell-size). Over a
// file with a tagger or classifier, the model's prediction for the line (taskHover.ts); over a source
// line of an encoder–decoder's file, its outputs (seq2seqHover.ts).
// seqlab.hover.show: "always" (on every mouse rest) or "onDemand": only at the position that
// "Show what the model would write here" asks for. A hover provider cannot tell a mouse rest from
// editor.action.showHover (VS Code passes it no trigger), so that command marks the one position
// it asks for, as "Sample from cursor" does for its inline suggestion.

import * as vscode from 'vscode';
import { HoverResult } from '../protocol';
import { documentName, Runs } from './runs';
import { setting } from './settings';
import { seq2seqHover } from './seq2seqHover';
import { taskHover } from './taskHover';
import { escapeMarkdown } from './hoverText';

/** Characters of primer shown before the ▸. */
const PRIMER_SHOWN = 20;

/** "…is publ▸es ion": the end of the primer, the marker, the continuation. */
function markedContinuation(prime: string, continuation: string): string {
  const chars = Array.from(prime);
  const end = chars.slice(-PRIMER_SHOWN).join('');
  return `${chars.length > PRIMER_SHOWN ? '…' : ''}${end}▸${continuation}`;
}

export class ModelHoverProvider implements vscode.HoverProvider {
  /** Set by showAtCursor for one request: the position asked for, in "onDemand" mode the only one that shows. */
  private requested: { uri: string; line: number; character: number } | null = null;

  constructor(private readonly runs: Runs) {}

  /** Shows the hover at the cursor, whatever seqlab.hover.show says. */
  async showAtCursor(editor: vscode.TextEditor): Promise<void> {
    const pos = editor.selection.active;
    this.requested = { uri: editor.document.uri.toString(), line: pos.line, character: pos.character };
    await vscode.commands.executeCommand('editor.action.showHover');
  }

  /** Whether this request is the one showAtCursor asked for (which it then uses up). */
  private takeRequest(doc: vscode.TextDocument, position: vscode.Position): boolean {
    const r = this.requested;
    if (!r || r.uri !== doc.uri.toString() || r.line !== position.line || r.character !== position.character)
      return false;
    this.requested = null;
    return true;
  }

  async provideHover(
    doc: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    // Only the settings the hover uses are read (and checked): a bad training setting never breaks it.
    if (!this.runs.store.hasModel(doc.uri)) return undefined;
    const asked = this.takeRequest(doc, position);
    if (!asked && setting('hoverShow') !== 'always') return undefined;
    const { task } = await this.runs.infer(doc.uri, { kind: 'load' });
    if (task === 'seq2seq') return seq2seqHover(this.runs, doc, position.line, token);
    if (task === 'conditional') return undefined; // it writes for a label, not at a place in a text
    if (task !== 'lm') return taskHover(this.runs, doc, position.line, task, token);
    const primerLength = setting('hoverPrimerLength'),
      length = setting('hoverLength');
    const r = await continuationAt(this.runs, doc, position, primerLength, length, setting('temperature'));
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**SeqLab** ${escapeMarkdown(`${documentName(doc.uri)} — ${r.label}`)} would continue at ▸:`);
    md.appendCodeblock(markedContinuation(r.prime, r.continuation), 'text');
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
export async function continuationAt(
  runs: Runs,
  doc: vscode.TextDocument,
  position: vscode.Position,
  primerLength: number,
  length: number,
  temperature: number,
): Promise<HoverResult & { prime: string }> {
  const end = doc.offsetAt(position);
  const prime = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, end - primerLength)), position));
  return { ...(await runs.infer(doc.uri, { kind: 'hover', prime, length, topK: 5, temperature })), prime };
}
