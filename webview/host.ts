// The webview's side of the channel to the extension host: the one call to acquireVsCodeApi,
// typed posting, validated receiving, and the state VS Code keeps while the view is hidden.

import { parseHostToView, type HostToView, type ViewToHost } from '../src/protocol';

const api = acquireVsCodeApi();

export function post(message: ViewToHost): void {
  api.postMessage(message);
}

/** Calls handler with every well-formed host message; malformed ones are logged and dropped. */
export function onHostMessage(handler: (message: HostToView) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    let message: HostToView;
    try {
      message = parseHostToView(event.data);
    } catch (err) {
      console.warn(`SeqLab: ignored a malformed message from the host: ${(err as Error).message}`);
      return;
    }
    handler(message);
  });
}

/** The saved state, checked by parse; undefined when there is none or it does not parse. */
export function loadState<T>(parse: (state: unknown) => T): T | undefined {
  const state = api.getState();
  if (state === undefined || state === null) return undefined;
  try {
    return parse(state);
  } catch (err) {
    console.warn(`SeqLab: ignored saved state of an unexpected shape: ${(err as Error).message}`);
    return undefined;
  }
}

let pendingState: unknown;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Saves the state. Bursts (progress messages) are coalesced into one save per 200 ms; a timer,
 * not requestAnimationFrame, so that a hidden view still saves.
 */
export function saveState(state: unknown): void {
  pendingState = state;
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(flushState, 200);
}

/** Saves a pending state now (on user actions, and when the page goes away). */
export function flushState(): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer);
  saveTimer = undefined;
  if (pendingState !== undefined) api.setState(pendingState);
  pendingState = undefined;
}

window.addEventListener('pagehide', flushState);
