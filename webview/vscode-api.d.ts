// The function VS Code injects into every webview. It may be called once per page load.
// https://code.visualstudio.com/api/extension-guides/webview#scripts-and-message-passing

interface VsCodeWebviewApi {
  /** Sends a message to the extension host (structured clone). */
  postMessage(message: unknown): void;
  /** The state saved by setState before the view was hidden, reloaded or restored. */
  getState(): unknown;
  setState<T>(newState: T): T;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;
