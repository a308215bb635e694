// What the sidebar's activity strip shows: for the line at the cursor of a file with a character-level
// language model, its most selective units' a<t> after each character (ranked once per model and
// document text length class, read from the worker's kept reading of the document). Computed a short
// pause after the cursor rests; a file whose model cannot be read this way hides the strip quietly.

import * as vscode from 'vscode';
import { LineActivity, MAX_ACTIVITY_CHARS, UnitChoices } from '../protocol';
import { codePointIndex } from './codePoints';
import { unitName } from './insideView';
import { documentName, Runs } from './runs';

/** Units in the strip. */
const UNITS = 6;
const DEBOUNCE_MS = 300;

export class ActivityStrip implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<LineActivity | null>();
  /** Fires with the strip's new content (null: nothing to show). */
  readonly onDidChange = this.emitter.event;
  private latest: LineActivity | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** The ranked units per document and checkpoint version (the ranking reads the start of the text). */
  private ranked = new Map<string, UnitChoices>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly runs: Runs) {
    this.disposables = [
      vscode.window.onDidChangeTextEditorSelection((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => (e ? this.schedule(e) : this.show(null))),
      runs.onDidChangeModel(() => this.ranked.clear()),
    ];
  }

  /** What the strip shows now. */
  get current(): LineActivity | null {
    return this.latest;
  }

  private show(activity: LineActivity | null): void {
    this.latest = activity;
    this.emitter.fire(activity);
  }

  private schedule(editor: vscode.TextEditor): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(editor), DEBOUNCE_MS);
  }

  /** Computes the strip for the editor's cursor line now; returns it (null when the model has none). */
  async update(editor: vscode.TextEditor): Promise<LineActivity | null> {
    const doc = editor.document;
    if (!this.runs.store.hasModel(doc.uri)) {
      this.show(null);
      return null;
    }
    try {
      const activity = await this.read(doc, editor.selection.active.line);
      if (vscode.window.activeTextEditor?.document === doc) this.show(activity);
      return activity;
    } catch {
      this.show(null); // a tagger, a word model…: the strip reads character-level language models only
      return null;
    }
  }

  private async read(doc: vscode.TextDocument, line: number): Promise<LineActivity> {
    const text = doc.getText(),
      key = doc.uri.toString();
    let choices = this.ranked.get(key);
    if (!choices) {
      choices = await this.runs.infer(doc.uri, { kind: 'selectiveUnits', doc: key, text, signal: 'h', top: UNITS });
      this.ranked.set(key, choices);
    }
    const range = doc.lineAt(line).range;
    const from = codePointIndex(text, doc.offsetAt(range.start));
    const chars = Array.from(doc.lineAt(line).text).slice(0, MAX_ACTIVITY_CHARS);
    const to = from + chars.length;
    const units = [];
    for (const u of choices.units) {
      const probe = { layer: u.layer, unit: u.unit, signal: 'h' };
      const { values } = await this.runs.infer(doc.uri, { kind: 'unitValues', doc: key, text, from, to, ...probe });
      units.push({ label: unitName(probe), values });
    }
    return { where: `${documentName(doc.uri)}, line ${line + 1}`, chars, units };
  }

  dispose(): void {
    clearTimeout(this.timer);
    vscode.Disposable.from(...this.disposables, this.emitter).dispose();
  }
}
