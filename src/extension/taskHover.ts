// The hover of a tagger or classifier (hoverProvider.ts decides when it shows): a tagger's
// prediction for the sentence that holds the hovered line, its tags aligned under the tokens with
// their probabilities; a classifier's label for the hovered line with its probability and the runner-up.

import * as vscode from 'vscode';
import type { LabelTask } from '../engine/tasks/taskData';
import { documentName, Runs } from './runs';
import { alignedTags, escapeMarkdown, rankedLabel } from './hoverText';

const isContent = (text: string) => text.trim() !== '' && !text.startsWith('#');

/** The lines [start, end) of the sentence around a tagging file's line: up to the blank lines before and after it. */
function sentenceAround(doc: vscode.TextDocument, line: number): { start: number; end: number } {
  let start = line,
    end = line + 1;
  while (start > 0 && doc.lineAt(start - 1).text.trim() !== '') start--;
  while (end < doc.lineCount && doc.lineAt(end).text.trim() !== '') end++;
  return { start, end };
}

export async function taskHover(
  runs: Runs,
  doc: vscode.TextDocument,
  line: number,
  task: LabelTask,
  token: vscode.CancellationToken,
): Promise<vscode.Hover | undefined> {
  const hovered = doc.lineAt(line).text;
  if (!isContent(hovered)) return undefined;
  const { start, end } = task === 'tag' ? sentenceAround(doc, line) : { start: line, end: line + 1 };
  const lines = Array.from({ length: end - start }, (_, i) => doc.lineAt(start + i).text);
  const md = new vscode.MarkdownString();
  let prediction;
  try {
    prediction = await runs.infer(doc.uri, {
      kind: 'predict',
      text: lines.join('\n'),
      name: documentName(doc.uri),
      topK: task === 'tag' ? 1 : 2,
    });
  } catch (e) {
    // A line the model cannot read (e.g. a classification line with three columns): said here, where the mouse is.
    md.appendMarkdown(`**SeqLab** ${escapeMarkdown((e as Error).message)}`);
    return new vscode.Hover(md);
  }
  if (token.isCancellationRequested) return undefined;
  const [example] = prediction.examples;
  const model = escapeMarkdown(`${documentName(doc.uri)} — ${prediction.label}`);
  if (task === 'classify') {
    md.appendMarkdown(`**SeqLab** ${model} labels line ${line + 1}: **${escapeMarkdown(rankedLabel(example))}**`);
  } else {
    // The hovered token: the content lines of the sentence before the hovered one.
    const marked = lines.slice(0, line - start).filter(isContent).length;
    md.appendMarkdown(`**SeqLab** ${model} tags the sentence of lines ${start + 1}–${end} (▲ line ${line + 1}):`);
    md.appendCodeblock(alignedTags(example, marked), 'text');
  }
  md.appendMarkdown(`\n*${prediction.millis.toFixed(0)} ms*`);
  return new vscode.Hover(md);
}
