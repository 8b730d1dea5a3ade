import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from '@sluice/core';
import { corrupt } from '@sluice/core/state-provider';

/**
 * A RocksDB snapshot in the checkpoint: `<v>.rocksdb` (JSON) lists the database's files as of
 * version v. SSTs never change once written, so they are shared between snapshots under
 * `SSTs/<name>-<uuid>.sst` (the uuid: two lineages of a database may both make a `000042.sst`);
 * the few other files (MANIFEST, CURRENT, OPTIONS, write-ahead log) go to `<v>.files/`.
 * The manifest is written last: a snapshot without one does not exist.
 */
export interface SnapshotManifest {
  readonly version: number;
  readonly files: readonly { readonly name: string; readonly stored: string; readonly size: number }[];
}

export interface UploadStats {
  filesCopied: number;
  bytesCopied: number;
  filesReused: number;
  manifestBytes: number;
}

/** Files RocksDB keeps beside its data that a copy of the database does not need. */
const SKIPPED = /^(LOCK|LOG(\..*)?|IDENTITY)$/;

export async function uploadSnapshot(checkpoint: CheckpointStore, dir: string, localPath: string, version: number, uploaded: Map<string, string>): Promise<UploadStats> {
  const stats: UploadStats = { filesCopied: 0, bytesCopied: 0, filesReused: 0, manifestBytes: 0 };
  const files: { name: string; stored: string; size: number }[] = [];
  for (const name of (await readdir(localPath)).sort()) {
    if (SKIPPED.test(name)) continue;
    const local = join(localPath, name);
    const size = (await stat(local)).size;
    const sst = name.endsWith('.sst');
    let stored = sst ? uploaded.get(name) : undefined;
    if (stored) stats.filesReused++;
    else {
      stored = sst ? `SSTs/${name.slice(0, -4)}-${randomUUID()}.sst` : `${version}.files/${name}`;
      await putFile(checkpoint, local, `${dir}/${stored}`);
      if (sst) uploaded.set(name, stored);
      stats.filesCopied++;
      stats.bytesCopied += size;
    }
    files.push({ name, stored, size });
  }
  const manifest = JSON.stringify({ version, files } satisfies SnapshotManifest);
  stats.manifestBytes = manifest.length;
  await checkpoint.write(`${dir}/${version}.rocksdb`, `v1\n${manifest}`, { ifAbsent: false });
  return stats;
}

export async function readManifest(checkpoint: CheckpointStore, dir: string, version: number): Promise<SnapshotManifest> {
  const path = `${dir}/${version}.rocksdb`;
  const file = `${checkpoint.location.replace(/\/$/, '')}/${path}`;
  const text = await checkpoint.read(path);
  if (text === undefined) throw corrupt(file, 'it is missing');
  try {
    const manifest = JSON.parse(text.slice(text.indexOf('\n') + 1)) as SnapshotManifest;
    if (manifest.version === version && Array.isArray(manifest.files)) return manifest;
  } catch {
    // reported below
  }
  throw corrupt(file, 'it is not a RocksDB snapshot manifest');
}

/** Copy a snapshot's files into an empty local directory; returns the SSTs it shares with the checkpoint. */
export async function downloadSnapshot(checkpoint: CheckpointStore, dir: string, manifest: SnapshotManifest, localPath: string): Promise<Map<string, string>> {
  const uploaded = new Map<string, string>();
  for (const file of manifest.files) {
    const path = `${dir}/${file.stored}`;
    if (checkpoint.getFile) await checkpoint.getFile(path, join(localPath, file.name));
    else {
      const bytes = await checkpoint.readBytes(path);
      if (bytes === undefined) throw corrupt(`${checkpoint.location.replace(/\/$/, '')}/${path}`, `it is missing, and snapshot ${manifest.version} needs it`);
      await writeFile(join(localPath, file.name), bytes);
    }
    if (file.name.endsWith('.sst')) uploaded.set(file.name, file.stored);
  }
  return uploaded;
}

async function putFile(checkpoint: CheckpointStore, local: string, path: string): Promise<void> {
  if (checkpoint.putFile) await checkpoint.putFile(local, path);
  else await checkpoint.write(path, await readFile(local), { ifAbsent: false });
}

/**
 * A copy of a closed database's files in `staging`, made of hard links (a copy where links are
 * refused): RocksDB never writes a file again once it closed it (a reopened database starts a
 * new MANIFEST and write-ahead log, and replaces CURRENT by rename), so the links keep this
 * version's bytes while the database goes on.
 */
export async function linkFiles(localPath: string, staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const name of await readdir(localPath)) {
    if (SKIPPED.test(name)) continue;
    await link(join(localPath, name), join(staging, name)).catch(() => copyFile(join(localPath, name), join(staging, name)));
  }
}
