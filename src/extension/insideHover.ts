// The hover of a coloured text (insideView.ts): under "Show surprise", the character's probability, its
// surprise and the model's five likeliest characters there; under a neuron, the unit's value after it.

import * as vscode from 'vscode';
import { escapeMarkdown } from './hoverText';
import { codePointIndex } from './codePoints';
import { InsideView, unitName } from './insideView';
import { Runs } from './runs';

/** A character as the hover writes it: visible whitespace, e.g. "␣" for a space, "⏎" for a line break. */
function shown(ch: string): string {
  return ch === ' ' ? '␣' : ch === '\n' ? '⏎' : ch === '\t' ? '⇥' : ch;
}

export class InsideHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly runs: Runs,
    private readonly view: InsideView,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const colouring = this.view.colouringOf(doc.uri);
    if (!colouring || position.character >= doc.lineAt(position.line).text.length) return undefined;
    const text = doc.getText();
    const at = codePointIndex(text, doc.offsetAt(position));
    const md = new vscode.MarkdownString();
    if (colouring.kind === 'unit') {
      const painted = this.view.paintedOf(doc.uri);
      const v = painted && at >= painted.from && at < painted.to ? painted.values[at - painted.from] : null;
      if (v === null || v === undefined) return undefined;
      md.appendMarkdown(`**SeqLab** ${escapeMarkdown(unitName(colouring))} after this character: **${v.toFixed(3)}**`);
      return new vscode.Hover(md);
    }
    const info = await this.runs.infer(doc.uri, { kind: 'charInfo', doc: doc.uri.toString(), text, at });
    if (!info.known) {
      md.appendMarkdown(
        `**SeqLab** “${escapeMarkdown(info.char)}” is not in the model's vocabulary: it reads past it.`,
      );
      return new vscode.Hover(md);
    }
    if (info.p === null || info.surprise === null) {
      md.appendMarkdown("**SeqLab** the file's first character: nothing before it to predict it from.");
      return new vscode.Hover(md);
    }
    md.appendMarkdown(
      `**SeqLab** “${escapeMarkdown(shown(info.char))}”: p = ${(100 * info.p).toFixed(1)} %, surprise ${info.surprise.toFixed(2)} nats\n\n`,
    );
    md.appendMarkdown('| the model expected | p |\n|---|---:|\n');
    for (const t of info.top)
      md.appendMarkdown(`| ${escapeMarkdown(shown(t.token))} | ${(100 * t.p).toFixed(1)} % |\n`);
    return new vscode.Hover(md);
  }
}
