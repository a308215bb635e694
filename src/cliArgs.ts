// The command line of each verb, derived from the option schema (engine/options.ts): the parser
// (node:util parseArgs), the checks of every flag's value, and the usage text.

import { parseArgs } from 'node:util';
import {
  allowedValues,
  checkOption,
  Choices,
  ChoiceOption,
  NumberOption,
  OptionKey,
  OptionKeyOf,
  OPTIONS,
  OptionSpec,
  SwitchOption,
  TextOption,
  Verb,
  verbOptions,
} from './engine/options';

/** A command line that cannot be understood: exit code 2 and a pointer to --help. */
export class UsageError extends Error {}

export const VERBS: Record<Verb, { args: string[]; summary: string }> = {
  train: { args: ['FILE'], summary: 'train on a text file, write a checkpoint' },
  sample: { args: ['CKPT'], summary: 'print text sampled from a checkpoint' },
  eval: { args: ['CKPT', 'FILE'], summary: "loss per token on FILE, or a task model's metrics, as JSON" },
  predict: { args: ['CKPT', 'FILE'], summary: "FILE with a tagger's tags or a classifier's labels" },
  diagnose: { args: ['CKPT', 'FILE'], summary: 'vanishing-gradient and gate diagnostics' },
  export: {
    args: ['CKPT'],
    summary: 'write the model for PyTorch: its state_dict (safetensors), or a project that continues the run',
  },
  import: { args: ['FILE.safetensors'], summary: 'a PyTorch checkpoint in the export layout as a SeqLab checkpoint' },
  lab: { args: [], summary: 'the long-memory lab: accuracy of each cell across a gap of N tokens' },
  sweep: {
    args: ['FILE'],
    summary: 'train a language model once per combination of settings, write a table of results',
  },
  surprise: { args: ['CKPT', 'FILE'], summary: "the model's surprise at each character of FILE, in nats" },
  neurons: { args: ['CKPT', 'FILE'], summary: "a unit's activity on FILE, or the units that track something" },
  'make-data': {
    args: ['tag|classify|seq2seq|conditional'],
    summary: 'write a small synthetic tagging, classification, date-normalisation or two-style set',
  },
};

type GivenValue = number | string | boolean | readonly string[];

/** The options that may be given several times (their value is the list of them). */
type RepeatableKey = OptionKeyOf<{ repeatable: true }>;

/** The flags a command line gave, checked against the schema; absent ones read as their defaults. */
export class Given {
  constructor(private readonly values: ReadonlyMap<OptionKey, GivenValue>) {}

  has(key: OptionKey): boolean {
    return this.values.has(key);
  }

  /** The given values of the options that are fields of T (absent ones left out); the schema checked their types. */
  pick<T extends object>(keys: readonly (keyof T & OptionKey)[]): Partial<T> {
    return Object.fromEntries(keys.filter((k) => this.values.has(k)).map((k) => [k, this.values.get(k)])) as Partial<T>;
  }

  number(key: OptionKeyOf<NumberOption>): number {
    return (this.values.get(key) as number | undefined) ?? OPTIONS[key].default;
  }

  on(key: OptionKeyOf<SwitchOption>): boolean {
    return (this.values.get(key) as boolean | undefined) ?? OPTIONS[key].default;
  }

  text(key: Exclude<OptionKeyOf<TextOption>, RepeatableKey>): string | undefined {
    return this.values.get(key) as string | undefined;
  }

  /** Every value of a repeatable flag, in the order given; [] when absent. */
  texts(key: RepeatableKey): readonly string[] {
    return (this.values.get(key) as readonly string[] | undefined) ?? [];
  }

  choice<K extends OptionKeyOf<ChoiceOption>>(key: K): Choices<K> | undefined {
    return this.values.get(key) as Choices<K> | undefined;
  }
}

function parseNumber(v: string, flag: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag} expects a number, got "${v}"`);
  return x;
}

/**
 * Parses the arguments of a verb: its positionals, and its flags checked against the schema (a
 * value out of range is a SeqLabError naming the flag and the allowed values). null: --help.
 */
export function parseVerb(verb: Verb, argv: string[]): { positionals: string[]; given: Given } | null {
  const specs = verbOptions(verb);
  const options = Object.fromEntries(
    specs.map(
      ([, o]) =>
        [
          o.flag!,
          { type: o.kind === 'switch' ? 'boolean' : 'string', multiple: o.kind === 'text' && o.repeatable === true },
        ] as const,
    ),
  );
  // A switch is turned off by --no-FLAG (e.g. --no-bidirectional where a task turns it on).
  const switches = new Set(specs.filter(([, o]) => o.kind === 'switch').map(([, o]) => o.flag!));
  const negated = new Set(argv.filter((a) => a.startsWith('--no-') && switches.has(a.slice(5))).map((a) => a.slice(5)));
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    const all = { ...options, help: { type: 'boolean', short: 'h' } } as const;
    const args = argv.filter((a) => !(a.startsWith('--no-') && negated.has(a.slice(5))));
    parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const flag of negated) {
    if (parsed.values[flag] !== undefined) throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
    parsed.values[flag] = false;
  }
  if (parsed.values.help) return null;
  const names = VERBS[verb].args;
  const p = parsed.positionals;
  if (p.length !== names.length) {
    const expected = names.length ? names.join(' ') : 'no arguments';
    throw new UsageError(`expected ${expected}, got ${p.length ? p.join(' ') : 'nothing'}`);
  }
  const values = new Map<OptionKey, GivenValue>();
  for (const [key, o] of specs) {
    const flag = `--${o.flag}`,
      raw = parsed.values[o.flag!];
    if (raw === undefined) {
      if ('required' in o && o.required) throw new UsageError(`${flag} ${usageValue(o)} is required`);
      continue;
    }
    if (Array.isArray(raw)) {
      values.set(
        key,
        raw.map((r) => checkOption(o, r, flag)),
      );
      continue;
    }
    const numeric = o.kind === 'integer' || o.kind === 'number';
    const value = typeof raw === 'string' && numeric ? parseNumber(raw, flag) : raw;
    values.set(key, checkOption(o, value, flag));
  }
  return { positionals: p, given: new Given(values) };
}

function usageValue(o: OptionSpec): string {
  switch (o.kind) {
    case 'choice':
      return o.choices.join('|');
    case 'text':
      return o.placeholder;
    case 'switch':
      return '';
    case 'integer':
      return 'N';
    case 'number':
      return 'X';
  }
}

/** What the usage text says under an option's help: its default and allowed values ('' for a switch). */
function details(o: OptionSpec): string {
  switch (o.kind) {
    case 'switch':
      return '';
    case 'text': {
      const repeat = o.repeatable ? '; repeatable' : '';
      if (o.required) return `required${repeat}`;
      return o.whenAbsent || o.default ? `default: ${o.whenAbsent ?? o.default}${repeat}` : repeat.slice(2);
    }
    case 'choice':
      return o.required ? 'required' : `default: ${o.whenAbsent ?? o.default}`;
    default:
      return `default: ${o.whenAbsent ?? o.default}; ${allowedValues(o)}`;
  }
}

const COLUMN = 32;

export function verbUsage(verb: Verb): string {
  const { args, summary } = VERBS[verb];
  const lines = verbOptions(verb).flatMap(([, o]) => {
    const more = details(o);
    const first = `  ${`--${o.flag} ${usageValue(o)}`.padEnd(COLUMN - 3)} ${o.help}`;
    return more ? [first, `${' '.repeat(COLUMN)}${more}`] : [first];
  });
  return (
    `Usage: ${['seqlab', verb, ...args].join(' ')} [options]\n${summary[0].toUpperCase()}${summary.slice(1)}.\n\n` +
    `Options:\n${lines.join('\n')}\n  ${'-h, --help'.padEnd(COLUMN - 3)} This help.\n`
  );
}

export function usage(): string {
  const verbs = (Object.keys(VERBS) as Verb[]).map(
    (v) => `  ${`${['seqlab', v, ...VERBS[v].args].join(' ')} [options]`.padEnd(38)} ${VERBS[v].summary}`,
  );
  return (
    `seqlab — train and sample RNN / GRU / LSTM language models\n\nUsage:\n${verbs.join('\n')}\n\n` +
    'Run "seqlab VERB --help" for the options of a verb.\n'
  );
}
