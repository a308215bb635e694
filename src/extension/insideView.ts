// The model's insides on the editor's text: "Show surprise" colours each character by −log p(x<t> |
// x<1..t−1>) and "Show neuron…" / "Find neurons like this selection" by one unit's value after it,
// computed in the inference worker from the file's start (worker/insideReadings.ts keeps each
// document's reading and reads again only what an edit changed). Only the visible lines and a margin
// are decorated; edits and scrolling repaint after a short pause, never blocking typing. The status
// bar says what the colours mean (its tooltip is the legend).

import * as vscode from 'vscode';
import {
  SURPRISE_COLOURS,
  surpriseBucket,
  surpriseLegend,
  UNIT_COLOURS,
  unitBucket,
  unitLegend,
} from './insideColours';
import { codePointIndex } from './codePoints';
import { documentName, Runs } from './runs';
import { showError } from './errors';

/** Lines decorated above and below the visible ones. */
const MARGIN_LINES = 50;
/** Repaint this long after the last edit or scroll. */
const DEBOUNCE_MS = 250;

export interface UnitProbe {
  layer: number;
  unit: number;
  signal: string; // canonical: h, c, gate:Γf, …
}

export type Colouring = { kind: 'surprise' } | ({ kind: 'unit' } & UnitProbe);

/** What an editor was last painted with: the colouring, the characters it covers and how many got each colour. */
export interface Painted {
  colouring: Colouring;
  from: number; // code points
  to: number;
  values: (number | null)[]; // per character of [from, to)
  buckets: number[]; // characters per colour bucket
  mean: number | null; // surprise: the mean over the characters read so far
}

export class InsideView implements vscode.Disposable {
  private readonly colourings = new Map<string, Colouring>();
  private readonly painted = new Map<string, Painted>();
  private readonly surpriseTypes = SURPRISE_COLOURS.map((c) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: c || undefined }),
  );
  private readonly unitTypes = UNIT_COLOURS.map((c) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: c || undefined }),
  );
  private readonly status = vscode.window.createStatusBarItem('seqlab.inside', vscode.StatusBarAlignment.Left, 9);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[];
  private readonly paintedEmitter = new vscode.EventEmitter<string>();
  /** Fires with a document's URI after each repaint of it. */
  readonly onDidPaint = this.paintedEmitter.event;

  constructor(private readonly runs: Runs) {
    this.status.name = 'SeqLab colouring';
    this.status.command = 'seqlab.hideColouring';
    this.disposables = [
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.schedule(e))),
      vscode.workspace.onDidChangeTextDocument((e) =>
        vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document).forEach((ed) => this.schedule(ed)),
      ),
      runs.onDidChangeModel(({ uri, tag }) => {
        if (tag !== '') return;
        vscode.window.visibleTextEditors
          .filter((ed) => ed.document.uri.toString() === uri)
          .forEach((ed) => this.schedule(ed));
      }),
    ];
  }

  /** The colouring of a document ('off' when none). */
  colouringOf(uri: vscode.Uri): Colouring | undefined {
    return this.colourings.get(uri.toString());
  }

  /** What the document's editor was last painted with (for the hover and the tests). */
  paintedOf(uri: vscode.Uri): Painted | undefined {
    return this.painted.get(uri.toString());
  }

  /** Colours an editor's text (or turns its colouring off with undefined) and paints it now. */
  async colour(editor: vscode.TextEditor, colouring: Colouring | undefined): Promise<Painted | undefined> {
    const key = editor.document.uri.toString();
    if (!colouring) {
      this.colourings.delete(key);
      this.painted.delete(key);
      this.clear(editor);
      this.updateStatus();
      return undefined;
    }
    this.colourings.set(key, colouring);
    await this.paint(editor);
    return this.painted.get(key);
  }

  private schedule(editor: vscode.TextEditor): void {
    const key = editor.document.uri.toString();
    if (!this.colourings.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => void this.paint(editor).catch((e: Error) => showError(e.message)), DEBOUNCE_MS),
    );
  }

  private clear(editor: vscode.TextEditor): void {
    for (const t of [...this.surpriseTypes, ...this.unitTypes]) editor.setDecorations(t, []);
  }

  /** The characters to paint: the visible lines and a margin, as code point indices [from, to), and their offset. */
  private range(editor: vscode.TextEditor, text: string): { from: number; to: number; startOffset: number } {
    const doc = editor.document;
    const visible = editor.visibleRanges.length ? editor.visibleRanges : [new vscode.Range(0, 0, 0, 0)];
    const first = Math.max(0, Math.min(...visible.map((r) => r.start.line)) - MARGIN_LINES);
    const last = Math.min(doc.lineCount - 1, Math.max(...visible.map((r) => r.end.line)) + MARGIN_LINES);
    const startOffset = doc.offsetAt(new vscode.Position(first, 0));
    const endOffset = doc.offsetAt(doc.lineAt(last).range.end);
    const from = codePointIndex(text, startOffset);
    return {
      from,
      to: from + codePointIndex(text.slice(startOffset, endOffset), endOffset - startOffset),
      startOffset,
    };
  }

  private async paint(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    const key = doc.uri.toString();
    const colouring = this.colourings.get(key);
    if (!colouring) return;
    const text = doc.getText(),
      version = doc.version;
    const { from, to, startOffset } = this.range(editor, text);
    const base = { doc: key, text, from, to };
    const result =
      colouring.kind === 'surprise'
        ? await this.runs.infer(doc.uri, { kind: 'surprise', ...base })
        : {
            ...(await this.runs.infer(doc.uri, { kind: 'unitValues', ...base, ...probeOf(colouring) })),
            mean: null,
          };
    if (doc.version !== version || this.colourings.get(key) !== colouring) return; // edited or changed meanwhile
    const bucketOf =
      colouring.kind === 'surprise' ? (v: number) => surpriseBucket(v) : (v: number) => unitBucket(colouring.signal, v);
    const types = colouring.kind === 'surprise' ? this.surpriseTypes : this.unitTypes;
    const ranges: vscode.Range[][] = types.map(() => []);
    let offset = startOffset,
      i = 0;
    for (const ch of text.slice(startOffset)) {
      if (i >= to - from) break;
      const v = result.values[i];
      if (v !== null && ch !== '\n' && ch !== '\r') {
        ranges[bucketOf(v)].push(new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + ch.length)));
      }
      offset += ch.length;
      i++;
    }
    this.clear(editor);
    types.forEach((t, b) => editor.setDecorations(t, coloured(types === this.surpriseTypes, b) ? ranges[b] : []));
    this.painted.set(key, {
      colouring,
      from,
      to,
      values: result.values,
      buckets: ranges.map((r, b) => (coloured(types === this.surpriseTypes, b) ? r.length : 0)),
      mean: result.mean,
    });
    this.updateStatus();
    this.paintedEmitter.fire(key);
  }

  private updateStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const colouring = editor && this.colourings.get(editor.document.uri.toString());
    if (!editor || !colouring) {
      this.status.hide();
      return;
    }
    const painted = this.painted.get(editor.document.uri.toString());
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.supportHtml = true;
    if (colouring.kind === 'surprise') {
      const mean = painted?.mean;
      this.status.text = `$(flame) surprise${mean !== null && mean !== undefined ? `: mean ${mean.toFixed(3)} nats` : ''}`;
      tooltip.appendMarkdown(
        `**SeqLab surprise** on ${documentName(editor.document.uri)}: −log p of each character given the text before it (nats).<br><br>`,
      );
      tooltip.appendMarkdown(surpriseLegend());
    } else {
      this.status.text = `$(pulse) ${unitName(colouring)}`;
      tooltip.appendMarkdown(
        `**SeqLab** ${unitName(colouring)} after each character:<br><br>${unitLegend(colouring.signal)}`,
      );
    }
    tooltip.appendMarkdown('<br><br>Click to turn the colouring off.');
    this.status.tooltip = tooltip;
    this.status.show();
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    vscode.Disposable.from(...this.disposables, ...this.surpriseTypes, ...this.unitTypes, this.status).dispose();
    this.paintedEmitter.dispose();
  }
}

/** Bucket 0 of the surprise scale and the middle of the diverging one stay uncoloured. */
function coloured(surprise: boolean, bucket: number): boolean {
  return (surprise ? SURPRISE_COLOURS : UNIT_COLOURS)[bucket] !== '';
}

function probeOf(c: UnitProbe): UnitProbe {
  return { layer: c.layer, unit: c.unit, signal: c.signal };
}

/** A unit as the views name it, numbered from 0 as the CLI's --layer and --unit: "layer 0 · unit 37 · c". */
export function unitName(p: UnitProbe): string {
  return `layer ${p.layer} · unit ${p.unit} · ${p.signal}`;
}
