// The only module that touches the UI component library. @vscode/webview-ui-toolkit is
// deprecated (January 2025); to move to @vscode-elements/elements, change this file alone:
// every other webview file builds its controls through these helpers and sees plain HTMLElements.

import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider(), vsCodeProgressRing());

export type ButtonAppearance = 'primary' | 'secondary';

export interface ButtonOptions {
  appearance?: ButtonAppearance;
  /** Tooltip and accessible description. */
  title?: string;
  /** Set as data-<key> attributes, e.g. { command: 'stop' } → data-command="stop". */
  data?: Record<string, string>;
}

/** A button; onClick does not fire while the button is disabled. */
export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title) el.title = options.title;
  for (const [k, v] of Object.entries(options.data ?? {})) el.dataset[k] = v;
  el.addEventListener('click', () => {
    if (!isEnabled(el)) return;
    onClick();
  });
  return el;
}

export function setEnabled(el: HTMLElement, enabled: boolean): void {
  el.toggleAttribute('disabled', !enabled);
}

export function isEnabled(el: HTMLElement): boolean {
  return !el.hasAttribute('disabled');
}

export function setAppearance(el: HTMLElement, appearance: ButtonAppearance): void {
  if (el.getAttribute('appearance') !== appearance) el.setAttribute('appearance', appearance);
}

/**
 * A small rounded label, e.g. a run's state. Not the toolkit's <vscode-badge>: its template sets
 * an inline style attribute, which the views' CSP (no 'unsafe-inline') refuses; this is a span
 * styled with the same --vscode-badge-* colours (media/common.css, .badge).
 */
export function badge(text = ''): HTMLElement {
  const el = document.createElement('span');
  el.className = 'badge';
  el.textContent = text;
  return el;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

/** An indeterminate spinner; hide it with the hidden attribute. */
export function progressRing(): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', 'working');
  return el;
}
