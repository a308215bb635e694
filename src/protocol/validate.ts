// The field validators of every edge of the protocol (host ⇄ worker ⇄ webview). A validator takes
// a value and its path in the message ("job.train.seqLength", "reports[0].gates[2].histogram")
// and returns the value, typed, or throws a ProtocolError that names the path. Objects are built
// afresh from the fields that were checked: nothing unchecked reaches the code that acts on them.

export class ProtocolError extends Error {}

export type Parse<T> = (v: unknown, path: string) => T;

type Obj = Record<string, unknown>;

export function fail(path: string, expected: string): never {
  throw new ProtocolError(`${path ? `field "${path}"` : 'the message'}: expected ${expected}`);
}

const member = (path: string, key: string) => (path ? `${path}.${key}` : key);

function object(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object');
  return v as Obj;
}

/** A string of at most maxLength characters. */
export const str =
  (maxLength = Infinity): Parse<string> =>
  (v, path) => {
    if (typeof v !== 'string') fail(path, 'a string');
    if (v.length > maxLength) fail(path, `a string of at most ${maxLength} characters`);
    return v;
  };

/** Any number, NaN and ±Infinity included: a diverging loss is an observation, not a bad message. */
export const num: Parse<number> = (v, path) => (typeof v === 'number' ? v : fail(path, 'a number'));

export const count: Parse<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(path, 'a whole number ≥ 0');

export const bool: Parse<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'a boolean'));

export const oneOf =
  <T extends string>(options: readonly T[]): Parse<T> =>
  (v, path) => {
    const known = typeof v === 'string' && (options as readonly string[]).includes(v);
    return known ? (v as T) : fail(path, `one of ${options.join(', ')}`);
  };

export const nullable =
  <T>(parse: Parse<T>): Parse<T | null> =>
  (v, path) =>
    v === null ? null : parse(v, path);

export const arrayOf =
  <T>(parse: Parse<T>): Parse<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) fail(path, 'an array');
    return v.map((item, i) => parse(item, `${path}[${i}]`));
  };

/** An array of exactly length items, e.g. a histogram of HISTOGRAM_BINS bins. */
export const arrayOfLength =
  <T>(parse: Parse<T>, length: number, items: string): Parse<T[]> =>
  (v, path) => {
    const xs = arrayOf(parse)(v, path);
    return xs.length === length ? xs : fail(path, `${length} ${items}, got ${xs.length}`);
  };

/** The fields of an object at path, each read through a validator. */
export class Fields {
  private readonly o: Obj;

  constructor(
    v: unknown,
    private readonly path: string,
  ) {
    this.o = object(v, path);
  }

  get<T>(key: string, parse: Parse<T>): T {
    return parse(this.o[key], member(this.path, key));
  }

  /** An optional field, to spread into the built object: {} when absent, else { [key]: value }. */
  optional<K extends string, T>(key: K, parse: Parse<T>): { [k in K]?: T } {
    return this.o[key] === undefined ? {} : ({ [key]: this.get(key, parse) } as { [k in K]?: T });
  }

  /** The message's type tag, for a switch that throws on the types it does not know. */
  get type(): unknown {
    return this.o.type;
  }
}

/** The JavaScript type of each field of a configuration object: the compiler checks it against T. */
export type FieldTypes<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string
    ? 'string'
    : NonNullable<T[K]> extends number
      ? 'number'
      : NonNullable<T[K]> extends boolean
        ? 'boolean'
        : never;
};

function primitives<T>(types: FieldTypes<T>, v: unknown, path: string, required: boolean): Obj {
  const o = object(v, path);
  const out: Obj = {};
  for (const [key, type] of Object.entries(types) as [string, string][]) {
    if (o[key] === undefined && !required) continue;
    if (typeof o[key] !== type) fail(member(path, key), `a ${type}`);
    out[key] = o[key];
  }
  return out;
}

// Configuration objects (fields of strings, numbers and booleans: a model's, a training's, a
// sampling's) are checked field by field for their types here; choices and ranges are the
// engine's validators' to check, where the values are used (validateModelConfig,
// validateTrainConfig, validateSampleOptions).

/** A configuration object with every field present. */
export const config =
  <T>(types: FieldTypes<T>): Parse<T> =>
  (v, path) =>
    primitives(types, v, path, true) as T;

/** A configuration object with any of its fields. */
export const partialConfig =
  <T>(types: FieldTypes<T>): Parse<Partial<T>> =>
  (v, path) =>
    primitives(types, v, path, false) as Partial<T>;
