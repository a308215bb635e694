// "Sample from cursor": the model's continuation shown as inline ghost text at the cursor,
// which the user accepts with Tab (VS Code's own inline-suggestion preview).

import * as vscode from 'vscode';
import { continuationAt } from './hoverProvider';
import { Runs } from './runs';
import { setting } from './settings';

export class InlineSampleProvider implements vscode.InlineCompletionItemProvider {
  /** Set by the command for one request: inline suggestions appear only when the user asked. */
  private pending: { uri: string; line: number; character: number; text: string } | null = null;

  constructor(private readonly runs: Runs) {}

  /** Computes the continuation at the cursor and shows it as an inline suggestion. Returns its text. */
  async sampleAtCursor(editor: vscode.TextEditor): Promise<string> {
    const pos = editor.selection.active;
    const length = Math.min(setting('length'), 200);
    const r = await continuationAt(this.runs, editor.document, pos, 1000, length, setting('temperature'));
    this.pending = {
      uri: editor.document.uri.toString(),
      line: pos.line,
      character: pos.character,
      text: r.continuation,
    };
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    return r.continuation;
  }

  provideInlineCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.InlineCompletionItem[] {
    const p = this.pending;
    if (!p || p.uri !== doc.uri.toString() || p.line !== position.line || p.character !== position.character) return [];
    return [new vscode.InlineCompletionItem(p.text, new vscode.Range(position, position))];
  }
}
