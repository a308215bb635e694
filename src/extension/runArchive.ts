// Every training kept as a run: when a training ends (finished, stopped, diverged, failed), its record
// (full configuration, curves, scores, last sample, how it ended, the data file's path and the text's
// SHA-256) and a copy of its checkpoint go into the document's folder of the model store, under runs/
// (<id>.json, <id>.safetensors). At most `keep` runs per file; pinned runs are never removed, and old
// runs go with their checkpoints. Each run is its own pair of files written atomically, so two windows
// that finish runs of one file at once both keep theirs; a record that does not parse is skipped (and
// reported), never breaking the list. No VS Code here: the Runs view and the tests share it.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig, TrainConfig } from '../engine/config';
import { parseRunView, RunView } from '../protocol';

/** How a run ended. */
export type RunEnding = 'finished' | 'stopped' | 'diverged' | 'failed';

export interface ArchivedRun {
  id: string; // the run's id (RunView.runId)
  uri: string; // the document it trained on
  fileName: string; // its name as the user knows it
  textSha256: string; // of the text it trained on: a run of an edited file says so
  name: string; // the user's name for it; '' for its title
  pinned: boolean;
  endedAt: number; // ms since 1970
  ended: RunEnding;
  settings: { model: Partial<ModelConfig>; train: TrainConfig };
  view: RunView; // title, curves, scores, last sample, message
}

const RUNS = 'runs';

function runsDir(folder: string): string {
  return join(folder, RUNS);
}

/** How a training that ended in `state` with `message` is called in the Runs view. */
export function runEnding(state: 'done' | 'stopped' | 'failed', message: string): RunEnding {
  if (state === 'done') return 'finished';
  if (state === 'stopped') return 'stopped';
  return /NaN|Inf|diverg/i.test(message) ? 'diverged' : 'failed';
}

/** Checks a record read from disk (a hand-edited or truncated one is refused). */
function parseArchivedRun(raw: unknown): ArchivedRun {
  const r = raw as Record<string, unknown>;
  const text = (k: string) => {
    if (typeof r[k] !== 'string') throw new Error(`${k} is not text`);
    return r[k] as string;
  };
  if (typeof r.pinned !== 'boolean' || typeof r.endedAt !== 'number') throw new Error('pinned or endedAt is missing');
  if (!['finished', 'stopped', 'diverged', 'failed'].includes(r.ended as string)) throw new Error('ended is unknown');
  const settings = r.settings as ArchivedRun['settings'] | undefined;
  if (!settings || typeof settings.model !== 'object' || typeof settings.train !== 'object')
    throw new Error('settings are missing');
  return {
    id: text('id'),
    uri: text('uri'),
    fileName: text('fileName'),
    textSha256: text('textSha256'),
    name: text('name'),
    pinned: r.pinned,
    endedAt: r.endedAt,
    ended: r.ended as RunEnding,
    settings,
    view: parseRunView(r.view, 'view'),
  };
}

export class RunArchive {
  /** Reports a record that could not be read (once per file). */
  constructor(private readonly warn: (message: string) => void) {}
  private readonly warned = new Set<string>();

  checkpointOf(folder: string, id: string): string {
    return join(runsDir(folder), `${id}.safetensors`);
  }

  /** Keeps a run: its checkpoint copied, its record written; then the oldest unpinned beyond `keep` go. */
  add(folder: string, run: ArchivedRun, checkpointPath: string, keep: number): void {
    const dir = runsDir(folder);
    mkdirSync(dir, { recursive: true });
    const ckpt = this.checkpointOf(folder, run.id);
    copyFileSync(checkpointPath, `${ckpt}.tmp`);
    renameSync(`${ckpt}.tmp`, ckpt);
    this.write(folder, run);
    this.prune(folder, keep);
  }

  private write(folder: string, run: ArchivedRun): void {
    const file = join(runsDir(folder), `${run.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(run));
    renameSync(`${file}.tmp`, file);
  }

  /** The runs of a document's folder, newest first; unreadable records are skipped and reported. */
  list(folder: string): ArchivedRun[] {
    const dir = runsDir(folder);
    if (!existsSync(dir)) return [];
    const runs: ArchivedRun[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const file = join(dir, name);
      try {
        runs.push(parseArchivedRun(JSON.parse(readFileSync(file, 'utf8'))));
      } catch (e) {
        if (!this.warned.has(file)) {
          this.warned.add(file);
          this.warn(`SeqLab skipped a damaged run record (${file}): ${(e as Error).message}`);
        }
      }
    }
    return runs.sort((a, b) => b.endedAt - a.endedAt);
  }

  /** Renames or pins a run (its record rewritten). */
  update(folder: string, id: string, change: Partial<Pick<ArchivedRun, 'name' | 'pinned'>>): ArchivedRun {
    const run = this.list(folder).find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    const updated = { ...run, ...change };
    this.write(folder, updated);
    return updated;
  }

  /** Deletes a run with its checkpoint. */
  remove(folder: string, id: string): void {
    rmSync(join(runsDir(folder), `${id}.json`), { force: true });
    rmSync(this.checkpointOf(folder, id), { force: true });
  }

  /** Removes the oldest unpinned runs beyond `keep` (pinned ones count but never go). */
  prune(folder: string, keep: number): void {
    const runs = this.list(folder);
    let excess = runs.length - keep;
    for (const run of [...runs].reverse()) {
      if (excess <= 0) break;
      if (run.pinned) continue;
      this.remove(folder, run.id);
      excess--;
    }
  }
}
