// Where the in-process tests keep their databases: memory-backed /dev/shm when the machine has one.
// The app fsyncs every commit (synchronous=FULL); on disk those fsyncs were a third of an
// in-process test's time, on tmpfs they cost nothing. Tests of the built server keep their files
// on disk, as production does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function scratchRoot(): string {
  try {
    fs.accessSync("/dev/shm", fs.constants.W_OK);
    return "/dev/shm";
  } catch {
    return os.tmpdir();
  }
}

/** A new empty folder for one test file's (or one run's) files. */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(scratchRoot(), prefix));
}
