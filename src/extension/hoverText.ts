// The text of the hovers (hoverProvider.ts, taskHover.ts): markdown-escaped text; a tagger's sentence,
// its tokens with the predicted tag and its probability aligned under each in a monospace block; a
// classifier's label with its probability and the runner-up. No VS Code here.

import type { PredictedExample } from '../protocol';

/** Text shown as itself in markdown: its punctuation backslash-escaped (MarkdownString.appendText would also turn spaces into &nbsp;). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/** Columns of the aligned block before it wraps to the next group of tokens. */
const BLOCK_WIDTH = 72;

const percent = (p: number) => `${(p * 100).toFixed(p >= 0.9995 || p < 0.0005 ? 0 : 1)}%`;

/**
 * A tagged sentence as aligned rows: tokens, their predicted tags, the tags' probabilities, and a ▲
 * under the token at `marked` (the hovered line's); wrapped into groups of at most BLOCK_WIDTH columns,
 * a blank line between them.
 */
export function alignedTags(example: PredictedExample, marked: number): string {
  const cells = example.rows.map((r, i) => {
    const column = [r.text, r.top[0].label, percent(r.top[0].p), i === marked ? '▲' : ''];
    const width = Math.max(...column.map((c) => Array.from(c).length));
    return column.map((c) => c + ' '.repeat(width - Array.from(c).length));
  });
  const groups: string[][][] = [[]];
  let used = 0;
  for (const cell of cells) {
    const width = Array.from(cell[0]).length + 2;
    if (used > 0 && used + width > BLOCK_WIDTH) {
      groups.push([]);
      used = 0;
    }
    groups[groups.length - 1].push(cell);
    used += width;
  }
  return groups
    .map((g) =>
      [0, 1, 2, 3]
        .map((row) =>
          g
            .map((cell) => cell[row])
            .join('  ')
            .trimEnd(),
        )
        .filter((text, row) => row < 3 || text !== '') // the ▲ row only under the group that has it
        .join('\n'),
    )
    .join('\n\n');
}

/** A classified line: "pos 97.1% · runner-up neg 2.9%" (no runner-up for a one-label model). */
export function rankedLabel(example: PredictedExample): string {
  const [best, second] = example.rows[0].top;
  return `${best.label} ${percent(best.p)}${second ? ` · runner-up ${second.label} ${percent(second.p)}` : ''}`;
}
