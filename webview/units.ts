// What a step of the window and a nat of loss are per, in the words of the model's level: one wording
// per level everywhere in the diagnostics panel ("nats per character", "nats per word").

import { TOKEN_NAMES as TOKEN, type DiagnosticsReport, type Level } from '../src/protocol';

const levelsOf = (reports: DiagnosticsReport[]): Level[] => [...new Set(reports.map((r) => r.level))];

/** "nats per character", "nats per word", or both when the reports mix levels. */
export function reportsLossUnit(reports: DiagnosticsReport[]): string {
  return `nats per ${levelsOf(reports)
    .map((l) => TOKEN[l].one)
    .join(' or ')}`;
}

/** "T = 50 characters" for one level, "T = 50 words"; "T = 50 tokens (characters or words)" for several. */
export function windowLengths(reports: DiagnosticsReport[]): string {
  const levels = levelsOf(reports);
  const unit =
    levels.length === 1 ? TOKEN[levels[0]].many : `tokens (${levels.map((l) => TOKEN[l].many).join(' or ')})`;
  const Ts = [...new Set(reports.map((r) => r.steps))];
  return `${Ts.map((T) => `T = ${T}`).join(', ')} ${unit}`;
}

/**
 * Why the window is T long: the diagnostics measure every model on one fixed window (so that their
 * lines compare), which is not the window the model trained on (seqlab.seqLength).
 */
export function windowText(reports: DiagnosticsReport[]): string {
  const several = new Set(reports.map((r) => r.steps)).size > 1;
  return (
    `Window: ${windowLengths(reports)}, the diagnostics' fixed window${several ? 's' : ''}, ` +
    'read from evenly spaced places of the text and the same for every model measured together, so that their lines compare ' +
    '(on the command line, seqlab diagnose --steps sets it). It is not the training window seqlab.seqLength: ' +
    'training backpropagates through seqLength steps at a time; this measures how much of the error at T reaches each of the steps before it.'
  );
}
