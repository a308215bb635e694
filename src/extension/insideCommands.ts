// The commands that show the model's insides on the text (insideView.ts paints them): Show surprise
// (a toggle), Show neuron… (the document's most selective units first, or any layer, unit and
// signal), Find neurons like this selection (LSTMVis's pattern search over the selected spans), and
// Hide model colouring.

import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import type { MatchedUnit } from '../protocol';
import { codePointIndex } from './codePoints';
import { InsideView, Painted, UnitProbe, unitName } from './insideView';
import { Runs } from './runs';

/** Units offered or found at most. */
const TOP = 10;

/** The active editor, whose document has a model to read it. */
function editorWithModel(runs: Runs): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new SeqLabError('open a text file first.');
  if (!runs.store.hasModel(editor.document.uri))
    throw new SeqLabError('this file has no trained model yet; run "SeqLab: Train model on this file" first.');
  return editor;
}

/** Show surprise: on, or off when it is on. */
export async function toggleSurprise(view: InsideView, runs: Runs): Promise<Painted | undefined> {
  const editor = editorWithModel(runs);
  const on = view.colouringOf(editor.document.uri)?.kind === 'surprise';
  return view.colour(editor, on ? undefined : { kind: 'surprise' });
}

/** "0 37 h" → a probe, checked against the model's layers, units and signals; a message otherwise. */
function parseProbe(typed: string, signals: string[], layers: number, hidden: number): UnitProbe | string {
  const [l, u, s = 'h'] = typed.trim().split(/\s+/);
  const layer = Number(l),
    unit = Number(u);
  if (!Number.isInteger(layer) || layer < 0 || layer >= layers) return `layer: a whole number from 0 to ${layers - 1}`;
  if (!Number.isInteger(unit) || unit < 0 || unit >= hidden) return `unit: a whole number from 0 to ${hidden - 1}`;
  if (!signals.includes(s)) return `signal: one of ${signals.join(', ')}`;
  return { layer, unit, signal: s };
}

/** Show neuron…: args, or a quick pick of the most selective units on this file, or one typed as "layer unit signal". */
export async function showNeuron(view: InsideView, runs: Runs, args?: UnitProbe): Promise<Painted | undefined> {
  const editor = editorWithModel(runs);
  const doc = editor.document;
  let probe = args;
  if (!probe) {
    const choices = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'SeqLab: ranking units…' },
      () =>
        runs.infer(doc.uri, {
          kind: 'selectiveUnits',
          doc: doc.uri.toString(),
          text: doc.getText(),
          signal: 'h',
          top: TOP,
        }),
    );
    const other = { label: '$(edit) Another unit or signal…', probe: undefined };
    const picked = await vscode.window.showQuickPick(
      [
        ...choices.units.map((u) => ({
          label: unitName({ ...u, signal: 'h' }),
          description: `std ${u.score.toFixed(3)} · mean ${u.mean.toFixed(2)} · saturated ${(100 * u.saturated).toFixed(0)} %`,
          probe: { layer: u.layer, unit: u.unit, signal: 'h' } as UnitProbe | undefined,
        })),
        other,
      ],
      {
        title: 'SeqLab: Show neuron — the most selective units on this file first',
        placeHolder: 'a unit to colour the text by',
      },
    );
    if (!picked) return undefined;
    if (picked.probe) probe = picked.probe;
    else {
      const typed = await vscode.window.showInputBox({
        title: 'SeqLab: Show neuron',
        prompt: `layer unit signal, e.g. "0 12 h" (signals: ${choices.signals.join(', ')})`,
        validateInput: (v) => {
          const p = parseProbe(v, choices.signals, choices.layers, choices.hidden);
          return typeof p === 'string' ? p : undefined;
        },
      });
      if (typed === undefined) return undefined;
      probe = parseProbe(typed, choices.signals, choices.layers, choices.hidden) as UnitProbe;
    }
  }
  return view.colour(editor, { kind: 'unit', ...probe });
}

/**
 * Find neurons like this selection: the units whose a<t> is high (or low) inside the selected spans and
 * the opposite outside, best first; the one picked (or args.pick, an index) colours the text.
 */
export async function findNeurons(
  view: InsideView,
  runs: Runs,
  args: { pick?: number } = {},
): Promise<{ units: MatchedUnit[]; painted?: Painted }> {
  const editor = editorWithModel(runs);
  const doc = editor.document;
  const text = doc.getText();
  const spans = editor.selections
    .filter((s) => !s.isEmpty)
    .map((s) => ({
      start: codePointIndex(text, doc.offsetAt(s.start)),
      end: codePointIndex(text, doc.offsetAt(s.end)),
    }));
  if (!spans.length)
    throw new SeqLabError('select one or more spans of the text first (the pattern to find units for).');
  const units = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'SeqLab: searching units…' },
    () => runs.infer(doc.uri, { kind: 'matchUnits', doc: doc.uri.toString(), text, spans, signal: 'h', top: TOP }),
  );
  let index = args.pick;
  if (index === undefined) {
    const picked = await vscode.window.showQuickPick(
      units.map((u, i) => ({
        label: unitName({ ...u, signal: 'h' }),
        description: `d = ${u.score.toFixed(2)} · ${u.sign === 'high' ? 'higher' : 'lower'} inside (${u.inside.toFixed(2)} vs ${u.outside.toFixed(2)})`,
        index: i,
      })),
      { title: `SeqLab: units that follow the ${spans.length} selected span${spans.length > 1 ? 's' : ''}` },
    );
    if (!picked) return { units };
    index = picked.index;
  }
  const u = units[index];
  if (!u) throw new SeqLabError(`there is no unit ${index} among the ${units.length} found.`);
  return { units, painted: await view.colour(editor, { kind: 'unit', layer: u.layer, unit: u.unit, signal: 'h' }) };
}

/** Hide model colouring: the active editor's text as it was. */
export async function hideColouring(view: InsideView): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor) await view.colour(editor, undefined);
}
