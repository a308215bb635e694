// Where a file's model lives: the extension's storage (per workspace), one folder per document
// URI, holding the checkpoint and run.json (the curves, the latest sample and the run's state),
// so a reload of the window finds the model, its curves and its samples again. The models of
// "Compare cells" sit beside it, each with its own checkpoint and run record (model-gru.safetensors,
// run-gru.json): a comparison never overwrites what the file's own model's views show.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  arrayOf,
  ClipEvent,
  parseClipEvent,
  parseRunView,
  parseTrainingSnapshot,
  RunView,
  TrainingSnapshot,
} from '../protocol';

export interface StoredRun {
  uri: string;
  tag: string; // '' for the file's model; the cell name for the extra models of "Compare cells"

  view: RunView;
  clipEvents: ClipEvent[];
  snapshots: TrainingSnapshot[]; // the diagnostics at each validation step (bounded: addSnapshot in engine/reports.ts)
}

export class ModelStore {
  readonly root: string;
  /** Saves of each run record so far: a background write renames its file into place only if no save came after it. */
  private readonly saves = new Map<string, number>();

  constructor(context: vscode.ExtensionContext) {
    this.root = join((context.storageUri ?? context.globalStorageUri).fsPath, 'models');
    mkdirSync(this.root, { recursive: true });
  }

  folder(uri: vscode.Uri): string {
    const dir = join(this.root, createHash('sha256').update(uri.toString()).digest('hex').slice(0, 20));
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The folders of every document that has a model or kept runs. */
  folders(): string[] {
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(this.root, d.name));
  }

  checkpointPath(uri: vscode.Uri, tag = ''): string {
    return join(this.folder(uri), tag ? `model-${tag}.safetensors` : 'model.safetensors');
  }

  hasModel(uri: vscode.Uri, tag = ''): boolean {
    try {
      return statSync(this.checkpointPath(uri, tag)).size > 0;
    } catch {
      return false;
    }
  }

  private runPath(uri: vscode.Uri, tag: string): string {
    return join(this.folder(uri), tag ? `run-${tag}.json` : 'run.json');
  }

  /** Saves a run record (its curve is already bounded: protocol/curve.ts). */
  save(run: StoredRun): void {
    const { file, tmp } = this.nextSave(run);
    writeFileSync(tmp, JSON.stringify(run));
    renameSync(tmp, file);
  }

  /**
   * Saves a run record without holding the extension host's thread while the disk writes it (a
   * training's record, every second): the record is serialised now and written in the background; a
   * later save of the same record supersedes it, so a slow write never replaces a newer record.
   * Settles once the write is done (or given up).
   */
  saveInBackground(run: StoredRun): Promise<void> {
    const { file, tmp, count } = this.nextSave(run);
    return writeFile(tmp, JSON.stringify(run))
      .then(() => (this.saves.get(file) === count ? renameSync(tmp, file) : rmSync(tmp)))
      .catch(() => rmSync(tmp, { force: true })); // the record of the run's end is saved at its end
  }

  /** The record's file and a temporary file of its own for this save, the latest for its file. */
  private nextSave(run: StoredRun): { file: string; tmp: string; count: number } {
    const file = this.runPath(vscode.Uri.parse(run.uri), run.tag);
    const count = (this.saves.get(file) ?? 0) + 1;
    this.saves.set(file, count);
    return { file, tmp: `${file}.${count}.tmp`, count };
  }

  /** The run record of a document's model (tag: a Compare cell's), if it has one. */
  load(uri: vscode.Uri, tag = ''): StoredRun | null {
    const run = this.readRun(this.runPath(uri, tag));
    return run?.tag === tag ? run : null;
  }

  /** The most recently saved run of this workspace (a file's model or a Compare cell's), if any. */
  latest(): StoredRun | null {
    let best: { file: string; mtime: number } | null = null;
    for (const d of readdirSync(this.root)) {
      let names: string[];
      try {
        names = readdirSync(join(this.root, d)).filter((n) => /^run(-\w+)?\.json$/.test(n));
      } catch {
        continue; // not a folder
      }
      for (const n of names) {
        const file = join(this.root, d, n);
        const mtime = statSync(file).mtimeMs;
        if (!best || mtime > best.mtime) best = { file, mtime };
      }
    }
    return best ? this.readRun(best.file) : null;
  }

  private readRun(file: string): StoredRun | null {
    try {
      const run = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (typeof run.uri !== 'string' || typeof run.view !== 'object' || run.view === null) return null;
      const view = run.view as Record<string, unknown>;
      // A tagger's or classifier's scores saved before encoder–decoders had theirs: no exact match, CER or BLEU.
      if (Array.isArray(view.scores))
        view.scores = view.scores.map((s: unknown) =>
          typeof s === 'object' ? { exactMatch: null, cer: null, bleu: null, ...s } : s,
        );
      return {
        uri: run.uri,
        tag: typeof run.tag === 'string' ? run.tag : '',
        // Runs saved before these were recorded: no clip threshold, characters, no start time, no label, a language model.
        view: parseRunView(
          { clip: null, level: 'char', startedAt: 0, resumeLabel: '', task: 'lm', labels: [], scores: [], ...view },
          'view',
        ),
        clipEvents: arrayOf(parseClipEvent)(run.clipEvents ?? [], 'clipEvents'),
        snapshots: readSnapshots(run.snapshots),
      };
    } catch {
      return null; // missing or damaged (a field of the wrong shape included): the run is simply not restored
    }
  }
}

function readSnapshots(v: unknown): TrainingSnapshot[] {
  try {
    return arrayOf(parseTrainingSnapshot)(v, 'snapshots');
  } catch {
    return [];
  }
}
