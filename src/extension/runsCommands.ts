// What the Runs view's context menu does with a run (or the runs selected): Open curves, Compare
// selected, Make this the file's model, Re-run with changes…, Rename, Pin / Unpin, Delete (with its
// checkpoint), Reveal checkpoint. Each takes the clicked node and, from a multi-selection, the others.

import * as vscode from 'vscode';
import { TrainConfig } from '../engine/config';
import { SeqLabError } from '../engine/errors';
import { checkOption, OPTIONS } from '../engine/options';
import { CompareRunsPanel } from './compareRunsPanel';
import { Runs } from './runs';
import { RunNode, RunsNode, runName, RunsTreeProvider } from './runsTree';

/** The runs a command acts on: the selection when the clicked node is in it, else the clicked one. */
function chosen(node: RunsNode | undefined, selected: RunsNode[] | undefined): RunNode[] {
  const all = selected?.length ? selected : node ? [node] : [];
  const runs = all.filter((n): n is RunNode => n.kind === 'run');
  if (!runs.length) throw new SeqLabError('choose a run in the Runs view first.');
  return runs;
}

/** The settings Re-run with changes… offers: the option, where it sits in the run's settings. */
const CHANGEABLE = [
  ['cell', 'model'],
  ['hidden', 'model'],
  ['layers', 'model'],
  ['dropout', 'model'],
  ['lr', 'train'],
  ['optimizer', 'train'],
  ['batchSize', 'train'],
  ['seqLength', 'train'],
  ['clip', 'train'],
  ['steps', 'train'],
] as const;

export function registerRunsCommands(
  context: vscode.ExtensionContext,
  runs: Runs,
  tree: RunsTreeProvider,
  register: (id: string, fn: (...args: never[]) => unknown) => void,
): void {
  register('seqlab.runs.openCurves', (node?: RunsNode) =>
    CompareRunsPanel.show(
      context.extensionUri,
      chosen(node, undefined)
        .slice(0, 1)
        .map((n) => n.run),
    ),
  );
  register('seqlab.runs.compare', (node?: RunsNode, selected?: RunsNode[]) =>
    CompareRunsPanel.show(
      context.extensionUri,
      chosen(node, selected).map((n) => n.run),
    ),
  );
  register('seqlab.runs.makeModel', async (node?: RunsNode) => {
    const [{ folder, run }] = chosen(node, undefined);
    await runs.adoptRun(vscode.Uri.parse(run.uri), runs.archive.checkpointOf(folder, run.id), run.view);
    void vscode.window.showInformationMessage(`SeqLab: ${runName(run)} is now the model of ${run.fileName}.`);
  });
  register('seqlab.runs.rename', async (node?: RunsNode, _selected?: RunsNode[], args?: { name?: string }) => {
    const [{ folder, run }] = chosen(node, undefined);
    const name =
      args?.name ??
      (await vscode.window.showInputBox({
        title: 'SeqLab: Rename run',
        value: runName(run),
        prompt: 'The run’s name',
      }));
    if (name === undefined) return;
    runs.archive.update(folder, run.id, { name: name.trim() });
    tree.refresh();
  });
  const pin = (pinned: boolean) => (node?: RunsNode, selected?: RunsNode[]) => {
    for (const { folder, run } of chosen(node, selected)) runs.archive.update(folder, run.id, { pinned });
    tree.refresh();
  };
  register('seqlab.runs.pin', pin(true));
  register('seqlab.runs.unpin', pin(false));
  register('seqlab.runs.delete', async (node?: RunsNode, selected?: RunsNode[], args?: { confirmed?: boolean }) => {
    const doomed = chosen(node, selected);
    const what = doomed.length === 1 ? `the run ${runName(doomed[0].run)}` : `${doomed.length} runs`;
    const confirmed =
      args?.confirmed ??
      (await vscode.window.showWarningMessage(`Delete ${what} and its checkpoint?`, { modal: true }, 'Delete')) ===
        'Delete';
    if (!confirmed) return;
    for (const { folder, run } of doomed) runs.archive.remove(folder, run.id);
    tree.refresh();
  });
  register('seqlab.runs.reveal', (node?: RunsNode) => {
    const [{ folder, run }] = chosen(node, undefined);
    return vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(runs.archive.checkpointOf(folder, run.id)));
  });
  register(
    'seqlab.runs.rerun',
    async (node?: RunsNode, _selected?: RunsNode[], args?: { change?: { key: string; value: unknown } }) => {
      const [{ run }] = chosen(node, undefined);
      const { model, train } = run.settings;
      let change = args?.change;
      if (!change) {
        const picked = await vscode.window.showQuickPick(
          CHANGEABLE.map(([key, where]) => ({
            label: key,
            description: `now ${String((where === 'model' ? model : train)[key as keyof typeof model & keyof typeof train] ?? OPTIONS[key].default)}`,
            key,
          })),
          { title: `SeqLab: Re-run ${runName(run)} with a change`, placeHolder: 'the setting to change' },
        );
        if (!picked) return undefined;
        const o = OPTIONS[picked.key];
        const typed = await vscode.window.showInputBox({
          title: `SeqLab: Re-run with ${picked.key} changed`,
          prompt: o.help,
          validateInput: (v) => {
            try {
              checkOption(o, o.kind === 'choice' ? v : Number(v), picked.key);
              return undefined;
            } catch (e) {
              return (e as Error).message;
            }
          },
        });
        if (typed === undefined) return undefined;
        change = { key: picked.key, value: o.kind === 'choice' ? typed : Number(typed) };
      }
      const entry = CHANGEABLE.find(([key]) => key === change!.key);
      if (!entry)
        throw new SeqLabError(
          `Re-run with changes… changes ${CHANGEABLE.map(([k]) => k).join(', ')}, not ${change.key}.`,
        );
      const value = checkOption(OPTIONS[entry[0]], change.value, entry[0]);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(run.uri)).then(undefined, () => {
        throw new SeqLabError(`${run.fileName} is gone: the run cannot be trained again.`);
      });
      const overrides =
        entry[1] === 'model'
          ? { model: { ...model, [entry[0]]: value }, train }
          : { model, train: { ...train, [entry[0]]: value } as Partial<TrainConfig> };
      if (entry[0] === 'steps') overrides.train = { ...overrides.train, seconds: 0 };
      await runs.start(doc, train.level, false, { overrides });
      return runs.view;
    },
  );
}
