/**
 * The part of kustomize these manifests use, for tests on machines without kubectl (where kubectl is
 * installed, deploy/kubernetes/manifests.test.ts checks that `kubectl kustomize` renders the same): `resources`
 * (files and other kustomizations), `patches` (strategic merge by kind and name, `$patch: delete`,
 * or a JSON 6902 list with a `target`), `images` and `namespace`. A kustomization using anything
 * else is refused, so a manifest change cannot silently go unrendered.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

interface Patch {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string };
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: Patch[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const SUPPORTED = new Set(["apiVersion", "kind", "namespace", "resources", "patches", "images"]);
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function readDocuments(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJSON() as Json | null;
    })
    .filter((d): d is Json => d !== null);
}

/** Strategic merge as kustomize does it for what these manifests hold: maps merge, lists of named items merge by name, other lists are replaced. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Json = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = v === null ? undefined : k in base ? strategicMerge(base[k], v) : v;
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  }
  const named = (l: unknown): l is Json[] => Array.isArray(l) && l.every((i) => isObject(i) && typeof i.name === "string");
  if (named(base) && named(patch)) {
    const out = base.map((b) => {
      const p = patch.find((x) => x.name === b.name);
      return p ? (strategicMerge(b, p) as Json) : b;
    });
    return [...out, ...patch.filter((p) => !base.some((b) => b.name === p.name))];
  }
  return patch;
}

/** RFC 6902 add, replace and remove (the operations kustomize users reach for). */
function applyJsonPatch(target: Json, ops: { op: string; path: string; value?: unknown }[]): void {
  for (const { op, path: pointer, value } of ops) {
    const keys = pointer.split("/").slice(1).map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = keys.pop()!;
    let parent: unknown = target;
    for (const k of keys) parent = (parent as Json)[k];
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op === "add") parent.splice(i, 0, value);
      else if (op === "replace") parent[i] = value;
      else if (op === "remove") parent.splice(i, 1);
      else throw new Error(`unsupported JSON patch op ${op}`);
    } else if (isObject(parent)) {
      if (op === "add" || op === "replace") parent[last] = value;
      else if (op === "remove") delete parent[last];
      else throw new Error(`unsupported JSON patch op ${op}`);
    } else throw new Error(`JSON patch path ${pointer} does not exist`);
  }
}

function podSpecs(o: Json): Json[] {
  const spec = o.spec as Json | undefined;
  const template = (spec?.template ?? (spec?.jobTemplate as Json | undefined)?.spec) as Json | undefined;
  const pod = (template?.spec ?? undefined) as Json | undefined;
  return pod ? [pod] : [];
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = path.join(dir, "kustomization.yaml");
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const k = parse(readFileSync(file, "utf8")) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length) throw new Error(`${file}: this renderer does not implement ${unknown.join(", ")}`);

  let objects: Json[] = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    objects.push(...(existsSync(path.join(p, "kustomization.yaml")) ? (renderKustomization(p) as unknown as Json[]) : readDocuments(p)));
  }

  const matches = (o: Json, kind: unknown, name: unknown) => (!kind || o.kind === kind) && (!name || (o.metadata as Json).name === name);
  for (const p of k.patches ?? []) {
    const docs = p.path ? readDocuments(path.resolve(dir, p.path)) : [parse(p.patch ?? "")];
    for (const doc of docs) {
      if (Array.isArray(doc)) {
        const hit = objects.filter((o) => matches(o, p.target?.kind, p.target?.name));
        if (!hit.length) throw new Error(`${file}: JSON patch target matches nothing`);
        hit.forEach((o) => applyJsonPatch(o, doc));
        continue;
      }
      const { $patch, ...rest } = doc as Json;
      const kind = p.target?.kind ?? rest.kind;
      const name = p.target?.name ?? (rest.metadata as Json | undefined)?.name;
      if (!objects.some((o) => matches(o, kind, name))) throw new Error(`${file}: patch for ${kind} ${name} matches nothing`);
      objects = $patch === "delete" ? objects.filter((o) => !matches(o, kind, name)) : objects.map((o) => (matches(o, kind, name) ? (strategicMerge(o, rest) as Json) : o));
    }
  }

  for (const img of k.images ?? []) {
    for (const pod of objects.flatMap(podSpecs)) {
      for (const c of [...((pod.containers as Json[]) ?? []), ...((pod.initContainers as Json[]) ?? [])]) {
        const [name, tag] = String(c.image).split(":");
        if (name === img.name) c.image = `${img.newName ?? name}${img.newTag ?? tag ? `:${img.newTag ?? tag}` : ""}`;
      }
    }
  }

  if (k.namespace) for (const o of objects) (o.metadata as Json).namespace = k.namespace;
  return objects as unknown as K8sObject[];
}
