// The record of one scheduling cycle, for the debug endpoint and `./k8ts`: for every node, which
// filter rejected it and why (or that it passed, or was never looked at), and each plugin's score.
// Built from schedulePod's result; plain data, so it serializes as JSON as it is.
import type { Pod } from 'kubernetes-types/core/v1';
import { fitErrorMessage, type Diagnosis, type ScheduleResult } from './schedule-one.ts';
import type { Code } from './status.ts';
import type { Snapshot } from './types.ts';

export type FilterVerdict = 'passed' | 'not evaluated' | { readonly plugin: string; readonly code: Code; readonly reasons: readonly string[] };

export interface NodeVerdict {
  readonly node: string;
  readonly filter: FilterVerdict;
  readonly scores?: readonly { plugin: string; raw: number; normalized: number; weight: number; weighted: number }[];
  readonly total?: number;
}

export interface CycleExplanation {
  /** "namespace/name" */
  readonly pod: string;
  readonly uid: string;
  /** RFC 3339 */
  readonly time: string;
  readonly attempt?: number;
  readonly result: 'Scheduled' | 'Unschedulable' | 'Error';
  readonly node?: string;
  /** The event/condition message: "Successfully assigned …", the FitError text, or the error. */
  readonly message: string;
  readonly nodes: readonly NodeVerdict[];
}

export interface ExplainInput {
  readonly pod: Pod;
  readonly result: ScheduleResult;
  /** The snapshot the cycle ran on (lists every node). */
  readonly snapshot: Snapshot;
  readonly time: Date;
  readonly attempt?: number;
  /** PostFilter's message (e.g. preemption's), appended to the FitError text. */
  readonly postFilterMsg?: string;
}

function ruledOutByPreFilter(d: Diagnosis, node: string): boolean {
  return d.preFilterMsg !== '' || (d.preFilterNodeNames !== undefined && !d.preFilterNodeNames.has(node));
}

function verdict(result: ScheduleResult, node: string): FilterVerdict {
  if (result.kind === 'scheduled' && result.feasible.includes(node)) return 'passed';
  const d = result.diagnosis;
  if (!d) return 'not evaluated';
  const s = d.nodeToStatus.get(node) ?? (ruledOutByPreFilter(d, node) ? d.absentNodesStatus : undefined);
  if (!s) return 'not evaluated';
  switch (s.code) {
    case 'Unschedulable':
    case 'UnschedulableAndUnresolvable':
      return { plugin: s.plugin ?? '', code: s.code, reasons: s.reasons };
    case 'Error':
      return { plugin: s.plugin ?? '', code: s.code, reasons: [s.error.message] };
    default:
      return 'passed';
  }
}

export function explainCycle(input: ExplainInput): CycleExplanation {
  const { pod, result } = input;
  const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  const scoreByNode = new Map(result.kind === 'scheduled' ? result.scores.map((s) => [s.name, s]) : []);
  const nodes = input.snapshot.nodeInfos.map((n): NodeVerdict => {
    const s = scoreByNode.get(n.name);
    const base = { node: n.name, filter: verdict(result, n.name) };
    return s ? { ...base, scores: s.scores.map((p) => ({ ...p })), total: s.total } : base;
  });
  const common = {
    pod: key,
    uid: pod.metadata?.uid ?? '',
    time: input.time.toISOString(),
    ...(input.attempt !== undefined ? { attempt: input.attempt } : {}),
    nodes,
  };
  switch (result.kind) {
    case 'scheduled':
      return { ...common, result: 'Scheduled', node: result.node, message: `Successfully assigned ${key} to ${result.node}` };
    case 'unschedulable':
      return { ...common, result: 'Unschedulable', message: fitErrorMessage(result.numAllNodes, result.diagnosis, input.postFilterMsg) };
    case 'error':
      return { ...common, result: 'Error', message: result.error.message };
  }
}

const verdictText = (v: FilterVerdict): string =>
  typeof v === 'string' ? v : `${v.plugin ? `${v.plugin}: ` : ''}${v.reasons.join('; ') || v.code}`;

/**
 * A text table: one row per node with its filter verdict, each Score plugin's normalized score
 * (the header gives the weight) and the weighted total; the chosen node is marked with "*".
 */
export function formatExplanation(e: CycleExplanation): string {
  const plugins: { name: string; weight: number }[] = [];
  for (const n of e.nodes)
    for (const s of n.scores ?? []) if (!plugins.some((p) => p.name === s.plugin)) plugins.push({ name: s.plugin, weight: s.weight });
  const header = ['', 'NODE', 'FILTER', ...plugins.map((p) => `${p.name}(x${p.weight})`), ...(plugins.length ? ['TOTAL'] : [])];
  const rows = e.nodes.map((n) => [
    n.node === e.node ? '*' : '',
    n.node,
    verdictText(n.filter),
    ...plugins.map((p) => {
      const s = n.scores?.find((x) => x.plugin === p.name);
      return s ? String(s.normalized) : '';
    }),
    ...(plugins.length ? [n.total !== undefined ? String(n.total) : ''] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const title = `${e.pod} (uid ${e.uid}) at ${e.time}${e.attempt !== undefined ? `, attempt ${e.attempt}` : ''}: ${e.result}${e.node ? ` on ${e.node}` : ''}`;
  return [title, e.message, '', line(header), ...rows.map(line)].join('\n') + '\n';
}
