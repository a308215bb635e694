// The one way SeqLab tells the user that something went wrong: one error notification per error,
// never a second one (a command that reports its error resolves instead of rejecting, so VS Code
// adds no "Command … resulted in an error" on top). The messages shown are kept, newest last, for
// the integration tests (SeqLabApi.shownErrors), which check what the user was told.

import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';

const shown: string[] = [];

/** The text SeqLab shows for an error: its own message for a SeqLabError, "unexpected error: …" otherwise. */
export function errorText(e: unknown): string {
  if (e instanceof SeqLabError) return e.message;
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}

/** Shows one error notification, "SeqLab: <message>". */
export function showError(message: string): void {
  shown.push(message);
  void vscode.window.showErrorMessage(`SeqLab: ${message}`);
}

/** The error messages shown so far, oldest first (a session shows few). */
export function shownErrors(): readonly string[] {
  return shown;
}
