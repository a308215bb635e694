// Characters as the model reads them: code points (what Array.from gives), where VS Code counts UTF-16
// units; a character outside the Basic Multilingual Plane is one of the first and two of the second.

/** The code point index of a UTF-16 offset of the text. */
export function codePointIndex(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) i++; // a surrogate pair is one character
  }
  return n;
}
