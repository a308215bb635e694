// Smoke test of the real extension inside a real VS Code (see README.md here).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { screenshot } from './screenshot';

suite('SeqLab smoke', () => {
  test('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension('seqlab.seqlab');
    assert.ok(ext, 'extension seqlab.seqlab is not loaded (publisher "seqlab", name "seqlab")');
    await ext.activate();
    assert.strictEqual(ext.isActive, true, 'extension did not activate');
  });

  test('its commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('seqlab.trainChar'), 'command seqlab.trainChar is not registered');
  });

  test('a workspace with a text file is open', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folders.length > 0, 'no workspace folder open');
    await screenshot('smoke-workbench');
  });
});
