import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { SluiceError } from '@sluice/core';

const require = createRequire(import.meta.url);

/** Where message definitions come from, as Spark takes them: a descriptor set file (`protoc --descriptor_set_out`) or `.proto` sources. */
export type ProtobufDescriptor =
  | string
  | { readonly descFilePath: string }
  | { readonly binaryDescriptorSet: Uint8Array }
  | { readonly protoSource: string }
  | { readonly protoFile: string };

/**
 * The message type `messageName` (full name, or a simple name unique in the files) from
 * `descriptor`: a path (a `.proto` file, or else a FileDescriptorSet file as `protoc
 * --descriptor_set_out` writes it — Spark's `descFilePath`), the set's bytes
 * (`binaryDescriptorSet`, Spark 3.5), or `.proto` source text. Field names are kept as written
 * (Spark uses the .proto names). google/protobuf well-known types resolve without their files.
 *
 * @example
 * const order = loadMessageType('Order', { protoSource: 'syntax = "proto3"; message Order { int64 id = 1; }' });
 */
export function loadMessageType(messageName: string, descriptor: ProtobufDescriptor): protobuf.Type {
  const root = loadRoot(descriptor);
  let type: protobuf.Type | null = null;
  try {
    type = root.lookupType(messageName);
  } catch {
    const matches: protobuf.Type[] = [];
    const visit = (ns: protobuf.NamespaceBase) => {
      for (const nested of ns.nestedArray) {
        if (nested instanceof protobuf.Type && nested.name === messageName) matches.push(nested);
        if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
      }
    };
    visit(root);
    if (matches.length === 1) type = matches[0]!;
  }
  if (!type) throw new SluiceError('INVALID_SCHEMA', `The Protobuf descriptors have no message '${messageName}' (or more than one by that simple name): give its full name, e.g. 'package.${messageName}'.`, { details: { messageName } });
  return type;
}

function loadRoot(descriptor: ProtobufDescriptor): protobuf.Root {
  try {
    if (typeof descriptor === 'string') {
      return descriptor.endsWith('.proto') ? fromSource(readFileSync(descriptor, 'utf8')) : fromDescriptorSet(readFileSync(descriptor));
    }
    if ('descFilePath' in descriptor) return fromDescriptorSet(readFileSync(descriptor.descFilePath));
    if ('binaryDescriptorSet' in descriptor) return fromDescriptorSet(descriptor.binaryDescriptorSet);
    if ('protoFile' in descriptor) return fromSource(readFileSync(descriptor.protoFile, 'utf8'));
    return fromSource(descriptor.protoSource);
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    throw new SluiceError('INVALID_SCHEMA', `Cannot read the Protobuf definitions: ${(error as Error).message}`, { cause: error });
  }
}

function fromSource(source: string): protobuf.Root {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(source, root, { keepCase: true });
  for (const file of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    const common = protobuf.common.get(file);
    if (common) root.addJSON((common as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
    else throw new SluiceError('INVALID_SCHEMA', `The .proto source imports '${file}'; give a descriptor set built with --include_imports, or the imported definitions in the same source.`);
  }
  root.resolveAll();
  return root;
}

function fromDescriptorSet(bytes: Uint8Array): protobuf.Root {
  const descriptor = require('protobufjs/ext/descriptor') as { FileDescriptorSet: { decode(b: Uint8Array): unknown } };
  const root = (protobuf.Root as unknown as { fromDescriptor(set: unknown, options?: { keepCase?: boolean }): protobuf.Root }).fromDescriptor(descriptor.FileDescriptorSet.decode(bytes), { keepCase: true });
  root.resolveAll();
  return root;
}
