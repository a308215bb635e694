// The names of the files SeqLab makes from a model (a saved checkpoint, a sample): the document's
// name, then the model's cell and size, e.g. "story.txt.lstm-128.safetensors". No VS Code here.

/** A model's label as a part of a file name: "LSTM-128" → "lstm-128", "GRU (course)-64×2" → "gru-course-64x2". */
export function labelSlug(label: string): string {
  return label
    .toLowerCase()
    .replace(/×/g, 'x')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The stem of the files made from a document's model: "<file>.<cell>-<size>", e.g. "story.txt.lstm-128". */
export function modelFileStem(fileName: string, label: string): string {
  return `${fileName}.${labelSlug(label)}`;
}

/** `${stem}${suffix}`, or the first of `${stem}-2${suffix}`, `${stem}-3${suffix}`, … that is not taken. */
export function freeName(stem: string, suffix: string, taken: (name: string) => boolean): string {
  let name = `${stem}${suffix}`;
  for (let n = 2; taken(name); n++) name = `${stem}-${n}${suffix}`;
  return name;
}
