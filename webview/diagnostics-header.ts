// The head of the diagnostics panel: which models on which file the charts show, how a Compare
// in progress stands, and, when the file's model changed since, a banner saying so with Refresh.

import type { DiagnosticsView } from '../src/protocol';
import { el, setText } from './dom';
import { button } from './toolkit';

export interface DiagnosticsHeader {
  element: HTMLElement;
  render(view: DiagnosticsView): void;
}

export function diagnosticsHeader(onRefresh: () => void): DiagnosticsHeader {
  const subject = el('p', 'subject');
  subject.dataset.role = 'subject';
  const status = el('p', 'status');
  status.dataset.role = 'status';
  status.setAttribute('role', 'status');
  const outdatedText = el('span', '');
  const outdated = el(
    'div',
    'outdated',
    outdatedText,
    button('Refresh', onRefresh, {
      appearance: 'primary',
      title: "Run the diagnostics again on the file's current model",
      data: { command: 'refresh' },
    }),
  );
  outdated.dataset.role = 'outdated';
  outdated.setAttribute('role', 'alert');
  const element = el('header', 'page-header', el('h1', '', 'SeqLab diagnostics'), subject, status, outdated);
  return {
    element,
    render(view) {
      setText(subject, view.subject);
      subject.hidden = view.subject === '';
      setText(status, view.status);
      status.hidden = view.status === '';
      setText(outdatedText, view.outdated);
      outdated.hidden = view.outdated === '';
    },
  };
}
