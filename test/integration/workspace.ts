// The workspace both runners open when none is given: a folder with one small text file.
import * as fs from 'fs';
import * as path from 'path';

/** Creates <parent>/workspace with sample.txt and returns its path. */
export function sampleWorkspace(parent: string): string {
  const workspace = path.join(parent, 'workspace');
  fs.mkdirSync(workspace);
  fs.writeFileSync(
    path.join(workspace, 'sample.txt'),
    'the quick brown fox jumps over the lazy dog.\n'.repeat(40) +
      'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n',
  );
  return workspace;
}
