// SeqLab ⇄ PyTorch from the editor: "Export model for PyTorch…" (the state_dict tensors), "Export run
// for PyTorch (project)…" (a runnable train.py that goes on with the run on torch.distributed, engine/
// torchProject.ts) and "Import PyTorch checkpoint…" (a checkpoint in the export layout becomes the
// active file's model: hover, samples and diagnostics use it).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { modelDocumentUri } from './modelDocument';
import { Runs } from './runs';

/** Writes the model's state_dict tensors where the user chooses (or args.to). */
export async function exportTorch(runs: Runs, args: { to?: vscode.Uri } = {}): Promise<vscode.Uri | undefined> {
  const uri = modelDocumentUri(runs);
  const to =
    args.to ??
    (await vscode.window.showSaveDialog({
      filters: { 'PyTorch safetensors': ['safetensors'] },
      saveLabel: 'Export for PyTorch',
    }));
  if (!to) return undefined;
  await runs.infer(uri, { kind: 'export', outPath: to.fsPath });
  void vscode.window.showInformationMessage(
    `SeqLab: exported ${to.fsPath} (load it into nn.LSTM/GRU/RNN + nn.Linear; see the README).`,
  );
  return to;
}

/**
 * Writes the run as a PyTorch project into a folder the user chooses (or args.to): train.py, which
 * starts from the checkpoint's weights and optimizer state, and its README. Returns the files written.
 */
export async function exportTorchProject(runs: Runs, args: { to?: vscode.Uri } = {}): Promise<string[] | undefined> {
  const uri = modelDocumentUri(runs);
  const to =
    args.to ??
    (
      await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Export the PyTorch project here',
      })
    )?.[0];
  if (!to) return undefined;
  const files = await runs.infer(uri, { kind: 'exportProject', outDir: to.fsPath });
  const readme = join(to.fsPath, 'README.md');
  void vscode.window
    .showInformationMessage(
      `SeqLab: wrote a PyTorch project to ${to.fsPath} (${files.length} files): run train.py with torchrun to go on training.`,
      ...(existsSync(readme) ? ['Open README'] : []),
    )
    .then((choice) => (choice ? vscode.window.showTextDocument(vscode.Uri.file(readme)) : undefined));
  return files;
}

/** Makes a checkpoint in SeqLab's PyTorch export layout (or args.from) the model of the document. */
export async function importTorch(
  runs: Runs,
  doc: vscode.TextDocument,
  args: { from?: vscode.Uri } = {},
): Promise<void> {
  const from =
    args.from ??
    (
      await vscode.window.showOpenDialog({
        filters: { 'PyTorch safetensors': ['safetensors'] },
        canSelectMany: false,
        openLabel: 'Import',
      })
    )?.[0];
  if (!from) return;
  if (!existsSync(from.fsPath)) throw new SeqLabError(`${from.fsPath} does not exist.`);
  await runs.importTorch(doc, from.fsPath);
}
